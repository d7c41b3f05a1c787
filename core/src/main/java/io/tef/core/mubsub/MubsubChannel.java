package io.tef.core.mubsub;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.FindOptions;
import io.vertx.ext.mongo.MongoClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.BiConsumer;

/**
 * A channel of mubsub (the npm pub/sub on MongoDB that Qworker's workers speak): a capped
 * collection where a message is a document {@code {event, message}}, read by everyone who
 * subscribed through a tailable awaitData cursor. Reads and writes the same documents as npm's
 * mubsub 1.4, so each hears the other. Non-blocking: the cursor is driven by {@code find} and
 * {@code getMore} commands, each {@code getMore} waiting on the server for the next message.
 */
public final class MubsubChannel {

  private static final Logger LOG = LoggerFactory.getLogger(MubsubChannel.class);
  /** mubsub's default channel name and size. */
  public static final String DEFAULT_NAME = "mubsub";
  public static final long DEFAULT_SIZE = 5L * 1024 * 1024;
  /** How long a getMore waits on the server for a message. */
  static final long WAIT_MS = 1000;
  /** After a broken cursor (the collection dropped, the store away), before reading again. */
  static final long RETRY_MS = 1000;
  private static final int NAMESPACE_EXISTS = 48;

  private final Vertx vertx;
  private final MongoClient client;
  private final String name;
  private volatile boolean closed;

  private MubsubChannel(Vertx vertx, MongoClient client, String name) {
    this.vertx = vertx;
    this.client = client;
    this.name = name;
  }

  /** The channel, its capped collection created first when missing (as mubsub creates it). */
  public static Future<MubsubChannel> open(Vertx vertx, MongoClient client, String name, long sizeBytes) {
    JsonObject list = new JsonObject().put("listCollections", 1).put("filter", new JsonObject().put("name", name)).put("nameOnly", true);
    return client.runCommand("listCollections", list).compose(reply -> {
      if (!reply.getJsonObject("cursor").getJsonArray("firstBatch").isEmpty()) {
        return Future.succeededFuture();
      }
      JsonObject create = new JsonObject().put("create", name).put("capped", true).put("size", sizeBytes);
      return client.runCommand("create", create).<Void>mapEmpty()
          .recover(err -> err.getMessage() != null && (err.getMessage().contains("already exists") || err.getMessage().contains("(" + NAMESPACE_EXISTS + ")"))
              ? Future.succeededFuture() : Future.failedFuture(err));
    }).map(v -> new MubsubChannel(vertx, client, name));
  }

  public String name() {
    return name;
  }

  /** Publishes {@code {event, message}}; done once the store took it. */
  public Future<Void> publish(String event, JsonObject message) {
    return client.insert(name, new JsonObject().put("_id", newId()).put("event", event).put("message", message)).mapEmpty();
  }

  private static final java.util.concurrent.atomic.AtomicInteger COUNTER = new java.util.concurrent.atomic.AtomicInteger();

  /**
   * An ObjectId, as mubsub's documents have: readers tail from the last {@code _id} they read with
   * {@code $gt}, which matches only ids of the same type (the Vert.x client writes string ids by
   * default, which they would never see). ObjectIds of different processes in the same second are
   * not in the order they were written (their middle bytes are random per process), so a reader
   * whose last id came from another process in this second would miss a message with a smaller
   * id. TEF's ids sort last in their second: the second, then five 0xFF bytes, then a counter.
   */
  static JsonObject newId() {
    java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(12);
    b.putInt((int) (System.currentTimeMillis() / 1000));
    b.put(new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF});
    int n = COUNTER.incrementAndGet() & 0xFFFFFF;
    b.put((byte) (n >>> 16)).put((byte) (n >>> 8)).put((byte) n);
    return new JsonObject().put("$oid", new org.bson.types.ObjectId(b.array()).toHexString());
  }

  /** An id as read back: the Vert.x client gives an ObjectId {@code _id} as its hex text. */
  private static Object asWritten(Object id) {
    return id instanceof String s && org.bson.types.ObjectId.isValid(s) ? new JsonObject().put("$oid", s) : id;
  }

  /**
   * Calls {@code handler} with the event and message of every document published from now on, in
   * the order they were written, until {@link #close()}. A broken cursor is opened again after the
   * last document read, so nothing is read twice.
   */
  public Future<Void> subscribe(BiConsumer<String, JsonObject> handler) {
    return latest().map(id -> {
      tail(id, handler);
      return null;
    });
  }

  public void close() {
    closed = true;
  }

  /** The newest document's id, inserting a first one when the channel is empty (mubsub does the same). */
  private Future<Object> latest() {
    FindOptions newest = new FindOptions().setSort(new JsonObject().put("$natural", -1)).setLimit(1);
    return client.findWithOptions(name, new JsonObject(), newest).compose(docs -> docs.isEmpty()
        ? client.insert(name, new JsonObject().put("_id", newId()).put("dummy", true)).compose(id -> latest())
        : Future.succeededFuture(asWritten(docs.get(0).getValue("_id"))));
  }

  private void tail(Object after, BiConsumer<String, JsonObject> handler) {
    if (closed) {
      return;
    }
    // Not {$gt: after}: another process's message of the same second may have a smaller id yet come
    // later. From a second before, in the order written, skipping up to the last one read.
    Skip skip = Skip.after(after);
    JsonObject filter = skip == null ? new JsonObject().put("_id", new JsonObject().put("$gt", after))
        : new JsonObject().put("_id", new JsonObject().put("$gte", skip.from()));
    JsonObject find = new JsonObject().put("find", name).put("filter", filter).put("tailable", true).put("awaitData", true);
    client.runCommand("find", find)
        .onSuccess(reply -> read(reply.getJsonObject("cursor"), "firstBatch", after, skip, handler))
        .onFailure(err -> retry(after, handler, err));
  }

  /** What a reopened cursor skips: what comes before the last document read ({@code id}, of second {@code second}). */
  private static final class Skip {
    final String id;
    final long second;
    boolean done;

    private Skip(String id, long second) {
      this.id = id;
      this.second = second;
    }

    static Skip after(Object after) {
      if (after instanceof JsonObject o && o.getValue("$oid") instanceof String hex && org.bson.types.ObjectId.isValid(hex)) {
        return new Skip(hex, new org.bson.types.ObjectId(hex).getTimestamp() & 0xFFFFFFFFL);
      }
      return null;
    }

    JsonObject from() {
      java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(12).putInt((int) (second - 1));
      return new JsonObject().put("$oid", new org.bson.types.ObjectId(b.array()).toHexString());
    }

    /** True for a document read before; the last one read ends the skipping, as does one two seconds later (the last one was dropped). */
    boolean skips(Object id) {
      if (done) {
        return false;
      }
      String hex = id instanceof JsonObject o ? o.getString("$oid") : String.valueOf(id);
      if (hex.equals(this.id)) {
        done = true;
        return true;
      }
      if (org.bson.types.ObjectId.isValid(hex) && (new org.bson.types.ObjectId(hex).getTimestamp() & 0xFFFFFFFFL) > second + 1) {
        done = true;
        return false;
      }
      return true;
    }
  }

  private void read(JsonObject cursor, String batch, Object after, Skip skip, BiConsumer<String, JsonObject> handler) {
    Object last = after;
    JsonArray documents = cursor.getJsonArray(batch);
    for (int i = 0; i < documents.size() && !closed; i++) {
      JsonObject d = documents.getJsonObject(i);
      if (skip != null && skip.skips(asWritten(d.getValue("_id")))) {
        continue;
      }
      last = asWritten(d.getValue("_id"));
      if (d.getValue("event") instanceof String event) {
        try {
          handler.accept(event, d.getValue("message") instanceof JsonObject m ? m : new JsonObject().put("value", d.getValue("message")));
        } catch (RuntimeException e) {
          LOG.warn("A mubsub subscriber of {} failed on event {}: {}", name, event, e.toString());
        }
      }
    }
    long id = cursor.getLong("id", 0L);
    if (closed) {
      return;
    }
    Object from = last;
    if (id == 0) {
      vertx.setTimer(RETRY_MS, t -> tail(from, handler)); // a dead cursor: open another after what was read
      return;
    }
    client.runCommand("getMore", new JsonObject().put("getMore", id).put("collection", name).put("maxTimeMS", WAIT_MS))
        .onSuccess(reply -> read(reply.getJsonObject("cursor"), "nextBatch", from, skip, handler))
        .onFailure(err -> retry(from, handler, err));
  }

  private void retry(Object after, BiConsumer<String, JsonObject> handler, Throwable err) {
    if (!closed) {
      LOG.info("The mubsub channel {} broke ({}); reading again in {} ms", name, err.getMessage(), RETRY_MS);
      vertx.setTimer(RETRY_MS, t -> tail(after, handler));
    }
  }
}
