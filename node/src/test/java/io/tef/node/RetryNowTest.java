package io.tef.node;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** {@code POST /api/tasks/{guid}/retry}: a failed or cancelled task runs again under a new attempt; any other is refused. */
class RetryNowTest extends SharedNodeTest {

  @TempDir
  static Path dataDir;

  @BeforeAll
  static void start() throws Exception {
    startNode(dataDir, Map.of("node.demo_workers", 1));
  }

  @Test
  void aFailedTaskRunsAgainWithItsFailuresCountedFromZero() throws Exception {
    assertEquals(201, http.post("/api/tasks", new JsonObject().put("task_type", "fail").put("guid", "rn-failed").put("max_attempts", 1)).statusCode());
    JsonObject failed = events.await("rn-failed");
    assertEquals("failed", failed.getString("state"));
    assertEquals(1, failed.getInteger("attempt"));
    TerminalEvents again = TerminalEvents.listen(node);
    var r = http.post("/api/tasks/rn-failed/retry", "");
    assertEquals(200, r.statusCode(), r.bodyAsString());
    assertEquals("queued", r.bodyAsJsonObject().getString("state"));
    assertEquals(0, r.bodyAsJsonObject().getInteger("fail_count"));
    JsonObject second = again.await("rn-failed");
    assertEquals("failed", second.getString("state"));
    assertEquals(2, second.getInteger("attempt"), "a new attempt");
    assertEquals(1, second.getInteger("fail_count"), "its failures counted from zero");
  }

  @Test
  void aCancelledTaskRunsNowAndOtherStatesAreRefused() throws Exception {
    http.post("/api/tasks", new JsonObject().put("task_type", "echo").put("guid", "rn-cancelled").put("run_at", "2999-01-01T00:00:00Z"));
    assertEquals(200, http.delete("/api/tasks/rn-cancelled").statusCode());
    events.await("rn-cancelled");
    TerminalEvents again = TerminalEvents.listen(node);
    assertEquals(200, http.post("/api/tasks/rn-cancelled/retry", "").statusCode());
    assertEquals("completed", again.await("rn-cancelled").getString("state"), "due now, not in 2999");
    var completed = http.post("/api/tasks/rn-cancelled/retry", "");
    assertEquals(409, completed.statusCode());
    assertEquals("guid", completed.bodyAsJsonObject().getString("field"));
    http.post("/api/tasks", new JsonObject().put("task_type", "rn-nobody").put("guid", "rn-queued"));
    assertEquals(409, http.post("/api/tasks/rn-queued/retry", "").statusCode());
    assertEquals(404, http.post("/api/tasks/rn-none/retry", "").statusCode());
  }
}
