package io.tef.node;

import io.tef.protocol.Addresses;
import io.tef.core.store.mongo.MongoTaskStore;
import io.tef.store.embedded.EmbeddedStore;
import io.tef.protocol.task.Repeat;
import io.tef.core.task.Task;
import io.tef.protocol.task.TaskDefaults;
import io.tef.protocol.task.TaskEnvelope;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.concurrent.ExecutionException;

import static io.tef.node.TestNodes.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Input that looks valid but once wedged a node, went unanswered, answered 500 or came back
 * altered: each is now refused with 400 naming the field, or kept exactly, and the node serves on.
 */
class HostileInputTest {

  @TempDir
  Path dataDir;
  @TempDir
  Path storeDir;

  private static JsonObject error(HttpResponse<Buffer> r, int status) {
    assertEquals(status, r.statusCode(), r.bodyAsString());
    assertEquals("application/json", r.getHeader("content-type"));
    return r.bodyAsJsonObject();
  }

  private static void assertStillDispatches(Http http, String guid) throws Exception {
    assertEquals(201, http.post("/api/tasks", new JsonObject().put("task_type", "echo").put("guid", guid).put("task_data", "ok")).statusCode());
    assertEquals("completed", http.awaitState(guid, "completed").getString("state"));
  }

  @Test
  void schedulesWithNoNextRunOrOutOfRangeAreRefusedAtTheDoor() throws Exception {
    try (TefNode node = TestNodes.start(dataDir, Map.of("node.demo_workers", 1));
         Http http = new Http(node.vertx(), node.httpPort())) {
      for (String every : new String[] {"1000000000000 days", "0 0 30 2 *", "9223372036854775807 ms", "9223372036854775807 days",
          "every 99999999999999999999 s"}) {
        JsonObject e = error(http.post("/api/tasks", new JsonObject().put("task_type", "echo").put("repeat_every", every)), 400);
        assertEquals("repeat_every", e.getString("field"), every);
      }
      assertEquals("run_at", error(http.post("/api/tasks", new JsonObject().put("task_type", "echo").put("run_at", "+999999999-12-31T23:59:59Z")), 400)
          .getString("field"));
      assertEquals(0, http.get("/api/tasks").bodyAsJsonObject().getInteger("count"));
      assertStillDispatches(http, "after-schedules");
    }
  }

  /** A stored series whose schedule has no next run (left by an older node): the run is recorded, the series ends, the worker goes on. */
  @Test
  void aScheduleThatThrowsWhenARunEndsNeverWedgesTheDispatcher() throws Exception {
    try (EmbeddedStore store = EmbeddedStore.onDisk(storeDir, "127.0.0.1", 0)) {
      Vertx vertx = Vertx.vertx();
      try {
        MongoTaskStore direct = MongoTaskStore.shared(vertx, store.connectionString(), "tef");
        await(direct.start());
        Task ok = Task.accepted(TaskEnvelope.parse(new JsonObject().put("task_type", "echo").put("repeat_every", "1 hour")
            .put("guid", "never-again"), TaskDefaults.TEF), "never-again", Instant.now().truncatedTo(ChronoUnit.MILLIS), "old-node", "gone/1");
        Task broken = new Task(ok.guid(), ok.taskType(), ok.priority(), ok.resources(), ok.timeLimit(), ok.maxAttempts(), "x",
            null, ok.state(), 0, null, 0, null, 0, 0, null, ok.createdAt(), ok.runAt(), null, null, null, null, "old-node", ok.logs(),
            new Repeat("0 0 30 2 *", null), "gone/1", null, null);
        await(direct.insert(broken));
        await(direct.close());
      } finally {
        await(vertx.close());
      }
      try (TefNode node = TestNodes.start(dataDir, Map.of("node.demo_workers", 1, "mongo.connection_string", store.connectionString()));
           Http http = new Http(node.vertx(), node.httpPort())) {
        JsonObject run = http.awaitState("never-again", "completed");
        assertEquals("x", run.getValue("result"));
        assertStillDispatches(http, "after-the-series");
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"{\"$date\":\"garbage\"}", "{\"$numberLong\":\"5\"}", "{\"$oid\":\"zz\"}", "{\"$binary\":\"!!!\"}",
      "{\"$numberDecimal\":\"abc\"}", "{\"$numberDecimal\":\"1.5\"}", "{\"$timestamp\":{\"t\":\"a\",\"i\":1}}", "9223372036854775808",
      "{\"a.b\":{\"$ref\":\"x\"}}", "[1,{\"$where\":\"sleep(1)\"}]"})
  void taskDataIsOpaqueEndToEnd(String data) throws Exception {
    try (TefNode node = TestNodes.start(dataDir, Map.of("node.demo_workers", 1));
         Http http = new Http(node.vertx(), node.httpPort())) {
      String body = "{\"task_type\":\"echo\",\"guid\":\"opaque\",\"task_data\":" + data + "}";
      HttpResponse<Buffer> r = http.post("/api/tasks", body);
      assertEquals(201, r.statusCode(), r.bodyAsString());
      JsonObject done = http.awaitState("opaque", "completed");
      assertEquals(data, Json.encode(done.getValue("task_data")), "task_data as stored");
      assertEquals(data, Json.encode(done.getValue("result")), "echo's result, as stored");
    }
  }

  @Test
  void deepTextBadGuidsAndUnicodeAreRefusedNamingTheField() throws Exception {
    try (TefNode node = TestNodes.start(dataDir, Map.of());
         Http http = new Http(node.vertx(), node.httpPort())) {
      String deep = "{\"d\":".repeat(900) + "1" + "}".repeat(900);
      JsonObject e = error(http.post("/api/tasks", "{\"task_type\":\"echo\",\"task_data\":" + deep + "}"), 400);
      assertTrue(e.getString("error").contains("depth"), e.encode());
      for (String guid : new String[] {"a\\u0000b", "a\\r\\nb", "\\u0001", "\\u007f", "\\ud800", "\\udfff", ".", "..", "a/b", "a b"}) {
        JsonObject g = error(http.post("/api/tasks", "{\"task_type\":\"echo\",\"guid\":\"" + guid + "\"}"), 400);
        assertEquals("guid", g.getString("field"), guid);
      }
      assertEquals("task_data", error(http.post("/api/tasks", "{\"task_type\":\"echo\",\"task_data\":\"\\ud800\"}"), 400).getString("field"));
      assertEquals("task_data", error(http.post("/api/tasks", "{\"task_type\":\"echo\",\"task_data\":{\"a\\u0000\":1}}"), 400).getString("field"));
      assertEquals("resources", error(http.post("/api/tasks", "{\"task_type\":\"echo\",\"resources\":\"\\u0000\"}"), 400).getString("field"));
      assertTrue(error(http.post("/api/tasks", "{\"task_type\":\"echo\",\"task_type\":\"fail\"}"), 400).getString("error").contains("Duplicate"));
      assertTrue(error(http.post("/api/tasks", "{\"task_type\":\"echo\" /* c */}"), 400).getString("error").startsWith("malformed JSON"));
      assertEquals(0, http.get("/api/tasks").bodyAsJsonObject().getInteger("count"));

      // The event bus door applies the same limits.
      JsonObject deepEnvelope = new JsonObject("{\"task_type\":\"echo\",\"task_data\":" + "{\"d\":".repeat(200) + "1" + "}".repeat(200) + "}");
      ExecutionException bus = assertThrows(ExecutionException.class,
          () -> await(node.vertx().eventBus().request(Addresses.TASKS_SUBMIT, deepEnvelope)));
      ReplyException re = assertInstanceOf(ReplyException.class, bus.getCause());
      assertEquals(400, re.failureCode());
      assertNotNull(re.getMessage());
    }
  }
}
