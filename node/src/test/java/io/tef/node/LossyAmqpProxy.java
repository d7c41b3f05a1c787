package io.tef.node;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A TCP proxy in front of the test broker that can break one connection at the worst moment:
 * when the client writes bytes containing a marker (a task's guid in a publish), it either drops
 * them and cuts the connection (the message is lost on the wire), or passes them and cuts the
 * connection before the broker's answer (the message arrived, its confirm did not), or passes
 * them and holds the broker's answers back for a while (a slow confirm).
 */
final class LossyAmqpProxy implements AutoCloseable {

  enum Fault { LOST_ON_THE_WIRE, CONFIRM_LOST, CONFIRM_LATE }

  /** How long a late confirm is held back. */
  static final long LATE_MS = 2000;

  private final Vertx vertx = Vertx.vertx();
  private final NetServer server;
  private final NetClient client;
  private volatile String marker;
  private volatile Fault fault;
  private volatile CompletableFuture<Void> tripped = new CompletableFuture<>();

  LossyAmqpProxy() throws Exception {
    client = vertx.createNetClient();
    server = vertx.createNetServer().connectHandler(this::relay);
    server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  String url() {
    return "amqp://guest:guest@127.0.0.1:" + server.actualPort();
  }

  /** The next write containing {@code text} meets {@code f}; completes when it did. */
  CompletableFuture<Void> arm(String text, Fault f) {
    tripped = new CompletableFuture<>();
    fault = f;
    marker = text;
    return tripped;
  }

  private void relay(NetSocket front) {
    front.pause();
    boolean[] mute = {false};
    Buffer held = Buffer.buffer();
    client.connect(5672, "127.0.0.1").onSuccess(back -> {
      back.handler(buf -> {
        if (!mute[0]) {
          front.write(buf);
        } else {
          held.appendBuffer(buf);
        }
      });
      front.handler(buf -> {
        String m = marker;
        if (m != null && buf.toString(StandardCharsets.ISO_8859_1).contains(m)) {
          marker = null;
          if (fault == Fault.LOST_ON_THE_WIRE) {
            cut(front, back);
          } else if (fault == Fault.CONFIRM_LATE) {
            mute[0] = true;
            back.write(buf);
            vertx.setTimer(LATE_MS, id -> {
              mute[0] = false;
              front.write(held.copy());
            });
          } else {
            mute[0] = true; // the broker's confirm never comes back
            back.write(buf);
            vertx.setTimer(300, id -> cut(front, back));
          }
          tripped.complete(null);
          return;
        }
        back.write(buf);
      });
      front.closeHandler(v -> back.close());
      back.closeHandler(v -> front.close());
      front.resume();
    }).onFailure(err -> front.close());
  }

  private static void cut(NetSocket front, NetSocket back) {
    front.close();
    back.close();
  }

  @Override
  public void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
