package io.tef.node;

import io.tef.protocol.Addresses;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static io.tef.node.TestNodes.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** repeat_every (one document, the next run computed when one ends) and unique keys (update, not insert). */
class RepeatAndUniqueTest extends SharedNodeTest {

  @TempDir
  static Path dataDir;

  @BeforeAll
  static void start() throws Exception {
    startNode(dataDir, Map.of("node.demo_workers", 2));
  }

  /** Every run's end of one guid, in order. */
  private static BlockingQueue<JsonObject> runsOf(String guid, List<MessageConsumer<?>> keep) throws Exception {
    BlockingQueue<JsonObject> runs = new LinkedBlockingQueue<>();
    MessageConsumer<JsonObject> c = node.vertx().eventBus().consumer(Addresses.EVENTS_TASKS, m -> {
      if (guid.equals(m.body().getString("guid"))) {
        runs.add(m.body());
      }
    });
    await(c.completion());
    keep.add(c);
    return runs;
  }

  @Test
  void aRepeatingTaskRunsAgainAsTheSameDocumentUntilCancelled() throws Exception {
    List<MessageConsumer<?>> consumers = new java.util.ArrayList<>();
    BlockingQueue<JsonObject> runs = runsOf("single:echo", consumers);
    HttpResponse<Buffer> r = http.post("/api/tasks", new JsonObject().put("task_type", "echo").put("repeat_every", "1 second").put("task_data", "tick"));
    assertEquals(201, r.statusCode(), r.bodyAsString());
    assertEquals("single:echo", r.bodyAsJsonObject().getString("guid"), "one document per repeating type");
    JsonObject first = runs.poll(30, TimeUnit.SECONDS);
    JsonObject second = runs.poll(30, TimeUnit.SECONDS);
    assertNotNull(first);
    assertNotNull(second, "the task ran a second time");
    assertEquals("completed", second.getString("state"));
    Duration gap = Duration.between(Instant.parse(first.getString("started_at")), Instant.parse(second.getString("started_at")));
    assertTrue(gap.toMillis() >= 990, "runs one interval apart, got " + gap);
    assertTrue(second.getInteger("attempt") > first.getInteger("attempt"), "each run is a new attempt");

    var listed = http.get("/api/tasks?task_type=echo").bodyAsJsonObject().getJsonArray("tasks");
    assertEquals(1, listed.stream().filter(o -> ((JsonObject) o).getString("guid").startsWith("single:")).count(), listed.encode());
    JsonObject stored = http.get("/api/tasks/single:echo").bodyAsJsonObject();
    assertEquals("1 second", stored.getString("repeat_every"));

    assertEquals(200, http.delete("/api/tasks/single:echo").statusCode());
    JsonObject cancelled = runs.poll(30, TimeUnit.SECONDS);
    while (cancelled != null && !"cancelled".equals(cancelled.getString("state"))) {
      cancelled = runs.poll(30, TimeUnit.SECONDS); // a run that was under way when the cancel came
    }
    assertNotNull(cancelled);
    assertEquals(null, runs.poll(1500, TimeUnit.MILLISECONDS), "no run after the cancel");
    for (MessageConsumer<?> c : consumers) {
      await(c.unregister());
    }
  }

  @Test
  void aCronTaskIsScheduledAtItsNextFireTime() throws Exception {
    JsonObject t = http.post("/api/tasks", new JsonObject().put("task_type", "nightly").put("unique", "nightly-report")
        .put("repeat_every", "30 2 * * *").put("repeat_timezone", "Asia/Tokyo").put("run_at", "in 1 hour")).bodyAsJsonObject();
    assertEquals("30 2 * * *", t.getString("repeat_every"));
    assertEquals("Asia/Tokyo", t.getString("repeat_timezone"));
    HttpResponse<Buffer> bad = http.post("/api/tasks", new JsonObject().put("task_type", "nightly").put("repeat_every", "30 25 * * *"));
    assertEquals(400, bad.statusCode());
    assertEquals("repeat_every", bad.bodyAsJsonObject().getString("field"));
  }

  @Test
  void aSecondSubmissionWithTheSameUniqueKeyUpdatesTheTask() throws Exception {
    JsonObject key = new JsonObject().put("user", 42).put("kind", "digest");
    HttpResponse<Buffer> first = http.post("/api/tasks", new JsonObject().put("task_type", "later-mail").put("unique", key)
        .put("task_data", "v1").put("run_at", "in 1 hour"));
    assertEquals(201, first.statusCode(), first.bodyAsString());
    String guid = first.bodyAsJsonObject().getString("guid");
    HttpResponse<Buffer> second = http.post("/api/tasks", new JsonObject().put("task_type", "later-mail")
        .put("unique", new JsonObject().put("kind", "digest").put("user", 42)).put("task_data", "v2").put("priority", 7).put("run_at", "in 2 hours"));
    assertEquals(200, second.statusCode(), second.bodyAsString());
    assertEquals(guid, second.bodyAsJsonObject().getString("guid"));
    JsonObject stored = http.get("/api/tasks/" + guid).bodyAsJsonObject();
    assertEquals("v2", stored.getString("task_data"));
    assertEquals(7, stored.getInteger("priority"));
    assertEquals(1, http.get("/api/tasks?task_type=later-mail").bodyAsJsonObject().getJsonArray("tasks").size(), "updated, not inserted");
  }

  @Test
  void aFinishedUniqueTaskRunsAgainWhenSubmittedAgain() throws Exception {
    HttpResponse<Buffer> first = http.post("/api/tasks", new JsonObject().put("task_type", "echo").put("unique", "sync-42").put("task_data", "one"));
    String guid = first.bodyAsJsonObject().getString("guid");
    assertEquals("one", events.await(guid).getString("result"));
    List<MessageConsumer<?>> consumers = new java.util.ArrayList<>();
    BlockingQueue<JsonObject> runs = runsOf(guid, consumers);
    HttpResponse<Buffer> again = http.post("/api/tasks", new JsonObject().put("task_type", "echo").put("unique", "sync-42").put("task_data", "two"));
    assertEquals(200, again.statusCode());
    JsonObject rerun = runs.poll(30, TimeUnit.SECONDS);
    assertNotNull(rerun);
    assertEquals("two", rerun.getString("result"));
    for (MessageConsumer<?> c : consumers) {
      await(c.unregister());
    }
  }
}
