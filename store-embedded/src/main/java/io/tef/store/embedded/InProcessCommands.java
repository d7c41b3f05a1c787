package io.tef.store.embedded;

import de.bwaldvogel.mongo.MongoBackend;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.bson.ObjectId;
import de.bwaldvogel.mongo.exception.MongoServerError;
import de.bwaldvogel.mongo.exception.MongoServerException;
import io.netty.channel.Channel;
import io.netty.channel.embedded.EmbeddedChannel;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The store's commands for callers in this JVM: handed to the backend as the server would hand
 * them over, with no socket or BSON between. The backend keeps a caller's last result by its
 * channel, so each store thread has a channel of its own (a fixed few: the map stays small and
 * no two commands share one at a time). Several threads, so a batch is applied while another
 * waits for its commit.
 */
final class InProcessCommands implements AutoCloseable {

  static final int THREADS = 4;

  private final MongoBackend backend;
  private final ExecutorService threads;
  private final ThreadLocal<Channel> channels = ThreadLocal.withInitial(EmbeddedChannel::new);

  InProcessCommands(MongoBackend backend) {
    this.backend = backend;
    AtomicInteger n = new AtomicInteger();
    this.threads = Executors.newFixedThreadPool(THREADS, r -> {
      Thread t = new Thread(r, "tef-store-local-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
  }

  CompletableFuture<List<Map<String, Object>>> run(String database, List<Map<String, Object>> commands) {
    return CompletableFuture.supplyAsync(() -> {
      Channel channel = channels.get();
      List<Document> queries = new ArrayList<>(commands.size());
      commands.forEach(c -> queries.add(document(c)));
      List<Document> replies = backend instanceof DurableH2Backend durable
          ? durable.handleCommands(channel, database, queries)
          : each(channel, database, queries);
      List<Map<String, Object>> out = new ArrayList<>(replies.size());
      replies.forEach(r -> out.add(tree(r)));
      return out;
    }, threads);
  }

  private List<Document> each(Channel channel, String database, List<Document> queries) {
    List<Document> replies = new ArrayList<>(queries.size());
    queries.forEach(q -> replies.add(answered(() -> backend.handleCommand(channel, database, q.keySet().iterator().next(), q))));
    return replies;
  }

  /** One command, a refusal as the server would answer it ({@code ok: 0}) rather than thrown. */
  static Document answered(java.util.function.Supplier<Document> command) {
    try {
      return command.get();
    } catch (MongoServerError e) {
      return new Document("ok", 0.0).append("errmsg", e.getMessageWithoutErrorCode())
          .append("code", e.getCode()).append("codeName", e.getCodeName());
    } catch (MongoServerException e) {
      return new Document("ok", 0.0).append("errmsg", e.getMessageWithoutErrorCode());
    }
  }

  private static Document document(Map<String, Object> command) {
    return (Document) copy(command, true);
  }

  /** A reply as a plain tree; an ObjectId as the {@code {"$oid": hex}} a client would show. */
  @SuppressWarnings("unchecked")
  private static Map<String, Object> tree(Map<String, Object> reply) {
    return (Map<String, Object>) copy(reply, false);
  }

  /** A deep copy, its maps as the server's documents (in) or as plain maps (out). */
  private static Object copy(Object v, boolean toServer) {
    if (v instanceof Map<?, ?> m) {
      if (toServer && m.size() == 1 && m.get("$oid") instanceof String hex) {
        return new ObjectId(hex); // as a client's driver sends {"$oid": hex}: an ObjectId
      }
      Map<String, Object> out = toServer ? new Document() : new LinkedHashMap<>(Math.max(4, m.size() * 2));
      m.forEach((k, x) -> out.put((String) k, copy(x, toServer)));
      return out;
    }
    if (v instanceof List<?> l) {
      List<Object> out = new ArrayList<>(l.size());
      l.forEach(x -> out.add(copy(x, toServer)));
      return out;
    }
    if (!toServer && v instanceof ObjectId id) {
      return Map.of("$oid", id.getHexData());
    }
    return v;
  }

  @Override
  public void close() {
    threads.shutdown();
    try {
      threads.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
