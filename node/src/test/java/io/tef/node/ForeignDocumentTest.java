package io.tef.node;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.MongoClient;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static io.tef.node.TestNodes.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Documents another program wrote into the tasks collection. One shaped as Agenda's
 * {@code now('echo', {x: 1})} writes it (an ObjectId {@code _id}, no TEF state) is taken in as a
 * task under its own id and runs; one that is not a valid task (a priority that is not a number)
 * is set aside, disabled, with the reason; one that is no job at all is left alone. None of them
 * breaks a listing.
 */
class ForeignDocumentTest extends SharedNodeTest {

  private static final String JOB = "6750a1b2c3d4e5f601234567";
  private static final String BAD_JOB = "6750a1b2c3d4e5f601234568";

  @TempDir
  static Path dataDir;

  @BeforeAll
  static void start() throws Exception {
    startNode(dataDir, Map.of("node.demo_workers", 1));
  }

  @Test
  void agendaJobsAreTakenInAndOtherDocumentsNeverBreakAListing() throws Exception {
    http.post("/api/tasks", new JsonObject().put("task_type", "echo").put("guid", "fd-before"));
    events.await("fd-before");
    MongoClient other = MongoClient.create(node.vertx(), new JsonObject()
        .put("connection_string", node.config().mongo().connectionString()).put("db_name", node.config().mongo().database()));
    try {
      await(other.insert("tasks", new JsonObject().put("_id", new JsonObject().put("$oid", JOB))
          .put("name", "echo").put("data", new JsonObject().put("x", 1)).put("type", "normal").put("priority", 0)
          .put("nextRunAt", new JsonObject().put("$date", "2026-12-03T07:00:00Z"))));
      await(other.insert("tasks", new JsonObject().put("_id", new JsonObject().put("$oid", BAD_JOB))
          .put("name", "echo").put("type", "normal").put("priority", "urgent")
          .put("nextRunAt", new JsonObject().put("$date", "2026-12-03T07:00:00Z"))));
      await(other.insert("tasks", new JsonObject().put("_id", "not-a-job").put("note", "another program's")));

      JsonObject taken = http.awaitState(JOB, "completed");
      assertEquals("echo", taken.getString("task_type"));
      assertEquals(new JsonObject().put("x", 1), taken.getJsonObject("task_data"));
      JsonObject stored = await(other.findOne("tasks", new JsonObject().put("_id", new JsonObject().put("$oid", JOB)), null));
      assertEquals(JOB, stored.getString("guid"), "the job's document became the task's, under the same id");

      org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() ->
          Boolean.TRUE.equals(await(other.findOne("tasks", new JsonObject().put("_id", new JsonObject().put("$oid", BAD_JOB)), null)).getBoolean("disabled")));
      JsonObject refused = await(other.findOne("tasks", new JsonObject().put("_id", new JsonObject().put("$oid", BAD_JOB)), null));
      assertTrue(refused.getString("failReason").contains("priority"), refused.encode());
      assertEquals(404, http.get("/api/tasks/" + BAD_JOB).statusCode(), "set aside, not a task");
    } finally {
      other.close();
    }
    http.post("/api/tasks", new JsonObject().put("task_type", "echo").put("guid", "fd-after"));
    events.await("fd-after");
    for (String query : new String[] {"/api/tasks", "/api/tasks?task_type=echo", "/api/tasks?limit=1000"}) {
      var r = http.get(query);
      assertEquals(200, r.statusCode(), query + ": " + r.bodyAsString());
      var guids = r.bodyAsJsonObject().getJsonArray("tasks").stream().map(t -> ((JsonObject) t).getString("guid")).toList();
      assertTrue(guids.contains("fd-before") && guids.contains("fd-after") && guids.contains(JOB), query + ": " + guids);
    }
  }
}
