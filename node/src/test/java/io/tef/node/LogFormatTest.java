package io.tef.node;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code --log-format json}: a node in its own JVM writes every log line as one JSON object, task
 * lines carry the task's guid, attempt, worker and node as fields, levels follow
 * {@code logging.levels}, and the API key it was given appears nowhere.
 */
class LogFormatTest {

  private static final String KEY = "log-test-secret-key-4711";

  @TempDir
  Path dir;

  @Test
  void everyLineIsJsonAndTaskLinesCarryTheTask() throws Exception {
    Vertx vertx = Vertx.vertx();
    try (NodeProcess node = NodeProcess.start(dir, Map.of("TEF_API_KEYS", KEY), "--log-format", "json", "--demo-workers", "1",
        "--set", "logging.levels={io.tef.tasks: debug}")) {
      int port = node.awaitReady();
      try (Http http = new Http(vertx, port, KEY)) {
        var r = http.post("/api/tasks", new JsonObject().put("task_type", "fail").put("guid", "log-me").put("max_attempts", 1));
        assertEquals(201, r.statusCode(), r.bodyAsString());
        http.awaitState("log-me", "failed");
        assertEquals(401, new Http(vertx, port, "a-wrong-key-" + KEY).get("/api/tasks").statusCode());
      }
      node.terminate();
      List<JsonObject> lines = new ArrayList<>();
      for (String line : node.output().split("\n")) {
        if (line.startsWith("{")) {
          lines.add(new JsonObject(line));
        } else {
          // Only the launcher's own announcements are plain text; no log line is.
          assertFalse(line.matches("^\\d\\d:\\d\\d:\\d\\d\\.\\d{3} +(TRACE|DEBUG|INFO|WARN|ERROR) .*"), "a text log line: " + line);
        }
      }
      assertTrue(lines.size() > 10, node.output());
      JsonObject failed = lines.stream().filter(l -> "io.tef.tasks".equals(l.getString("loggerName"))
          && l.getString("formattedMessage", "").contains("log-me failed")).findFirst()
          .orElseThrow(() -> new AssertionError("no task line for log-me:\n" + node.output()));
      Map<String, Object> fields = kvp(failed.getJsonArray("kvpList"));
      assertEquals("log-me", fields.get("task_guid"));
      assertEquals("1", String.valueOf(fields.get("attempt")));
      assertTrue(String.valueOf(fields.get("worker")).startsWith("demo-"), fields.toString());
      assertTrue(fields.containsKey("node"), fields.toString());
      assertEquals("INFO", failed.getString("level"));
      assertTrue(lines.stream().anyMatch(l -> "DEBUG".equals(l.getString("level")) && "io.tef.tasks".equals(l.getString("loggerName"))),
          "logging.levels turned io.tef.tasks to debug");
      assertFalse(node.output().contains(KEY), "the API key is never logged");
    } finally {
      vertx.close();
    }
  }

  private static Map<String, Object> kvp(JsonArray list) {
    Map<String, Object> out = new java.util.HashMap<>();
    for (Object o : list) {
      ((JsonObject) o).forEach(e -> out.put(e.getKey(), e.getValue()));
    }
    return out;
  }
}
