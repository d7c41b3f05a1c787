package io.tef.store.embedded;

import de.bwaldvogel.mongo.backend.Cursor;
import de.bwaldvogel.mongo.backend.CursorRegistry;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.wire.MongoDatabaseHandler;
import de.bwaldvogel.mongo.wire.message.MongoMessage;
import de.bwaldvogel.mongo.wire.message.MongoQuery;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Holds back a {@code getMore} on an {@code awaitData} tailable cursor that has nothing new, in
 * front of the server's handler on that connection, until a document arrives in its collection or
 * its {@code maxTimeMS} (1 s by default, as MongoDB) passes; then lets it through to be answered as
 * usual. The request waits as a parked message: no thread is held, whatever the number of waiting
 * readers. Installed on a connection at its first command (a client's first request is never a
 * {@code getMore} of a cursor that connection opened).
 */
final class TailWaits extends ChannelInboundHandlerAdapter {

  static final long DEFAULT_WAIT_MS = 1000;
  /** No reader is kept waiting longer than this, whatever it asks. */
  static final long MAX_WAIT_MS = 60_000;

  private final CursorRegistry cursors;

  private TailWaits(CursorRegistry cursors) {
    this.cursors = cursors;
  }

  /** Puts the waits in front of the server's handler of this connection, once; an in-process channel has none. */
  static void install(Channel channel, CursorRegistry cursors) {
    ChannelPipeline pipeline = channel.pipeline();
    if (pipeline.get(TailWaits.class) != null) {
      return;
    }
    ChannelHandlerContext server = pipeline.context(MongoDatabaseHandler.class);
    if (server != null) {
      pipeline.addBefore(server.name(), "tef-tail-waits", new TailWaits(cursors));
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    Document command = command(msg);
    TailableCursor cursor = command == null ? null : waitingCursor(command);
    if (cursor == null || cursor.hasNews()) {
      ctx.fireChannelRead(msg);
      return;
    }
    park(ctx, cursor, waitMs(command), () -> ctx.fireChannelRead(msg));
  }

  /**
   * Runs {@code then} on the connection's event loop once the cursor's collection gets a document
   * (or is dropped), or after {@code waitMs}, whichever comes first; never if the connection closed.
   */
  static void park(ChannelHandlerContext ctx, TailableCursor cursor, long waitMs, Runnable then) {
    AtomicBoolean released = new AtomicBoolean();
    Runnable[] wake = new Runnable[1];
    ScheduledFuture<?> timeout = ctx.executor().schedule(() -> release(ctx, released, cursor, wake[0], then), waitMs, TimeUnit.MILLISECONDS);
    wake[0] = () -> ctx.executor().execute(() -> {
      timeout.cancel(false);
      release(ctx, released, cursor, wake[0], then);
    });
    cursor.collection().onNextInsert(wake[0]);
    if (cursor.hasNews()) {
      wake[0].run(); // a document arrived between the check and the registration
    }
  }

  private static void release(ChannelHandlerContext ctx, AtomicBoolean released, TailableCursor cursor, Runnable wake, Runnable then) {
    if (released.compareAndSet(false, true)) {
      cursor.collection().forget(wake);
      if (ctx.channel().isActive()) {
        then.run();
      }
    }
  }

  /** The command a request carries: an {@code OP_MSG}'s, or an {@code OP_QUERY} on {@code $cmd}'s (older drivers send getMore so). */
  private static Document command(Object msg) {
    if (msg instanceof MongoMessage m) {
      return m.getDocument();
    }
    if (msg instanceof MongoQuery q && "$cmd".equals(q.getCollectionName())) {
      return q.getQuery().get("$query") instanceof Document wrapped ? wrapped : q.getQuery();
    }
    return null;
  }

  /** The cursor of a {@code getMore} that may wait: tailable, awaitData; null for any other request. */
  private TailableCursor waitingCursor(Document request) {
    if (request.isEmpty() || !"getMore".equals(request.keySet().iterator().next()) || !(request.get("getMore") instanceof Number id)) {
      return null;
    }
    try {
      Cursor c = cursors.getCursor(id.longValue());
      return c instanceof TailableCursor t && t.awaitsData() ? t : null;
    } catch (RuntimeException e) {
      return null; // an unknown cursor: the server answers that
    }
  }

  private static long waitMs(Document request) {
    Object max = request.get("maxTimeMS");
    long ms = max instanceof Number n && n.longValue() > 0 ? n.longValue() : DEFAULT_WAIT_MS;
    return Math.min(ms, MAX_WAIT_MS);
  }
}
