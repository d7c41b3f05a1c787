package io.tef.dispatcher;

import io.tef.core.store.TaskStore;
import io.tef.core.store.mongo.MongoTaskStore;
import io.tef.core.task.Task;
import io.tef.protocol.task.TaskDefaults;
import io.tef.protocol.task.TaskEnvelope;
import io.tef.store.embedded.EmbeddedStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The store's attempt fence as the dispatcher's writer meets it: a stale write is refused, counted, and not forced. */
@ExtendWith(VertxExtension.class)
class StoreWriterTest {

  private EmbeddedStore embedded;
  private TaskStore store;

  @BeforeEach
  void open(Vertx vertx) throws Exception {
    embedded = EmbeddedStore.inMemory("127.0.0.1", 0);
    store = MongoTaskStore.shared(vertx, embedded.connectionString(), "tef");
    await(store.start());
  }

  @AfterEach
  void close() throws Exception {
    await(store.close());
    embedded.close();
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  @Test
  void aStaleWriteIsRefusedCountedAndNotWritten() throws Exception {
    Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    Task t = Task.accepted(TaskEnvelope.parse(new JsonObject().put("task_type", "echo"), TaskDefaults.TEF), "g1", now, "test", "d1");
    await(store.insert(t));
    StoreWriter writer = new StoreWriter(store);
    Task first = t.dispatched("w1", now, "d1");
    // Another dispatcher took the task over and gave it a second attempt.
    Task second = first.attemptLost("gone", now.plusMillis(1), "d2").dispatched("w2", now.plusMillis(2), "d2");
    await(writer.save(first));
    await(store.save(second));
    assertEquals(0, writer.refused());

    await(writer.save(first.working(now.plusMillis(3), "w1")));
    assertEquals(1, writer.refused());
    assertEquals(second, await(store.find("g1")));

    // The writer's own next writes of the newer attempt are not held up by the refusal.
    await(writer.save(second.working(now.plusMillis(4), "w2")));
    assertEquals(1, writer.refused());
    assertEquals(2, await(store.find("g1")).attempt());
  }
}
