package io.tef.node;

import io.tef.protocol.Addresses;
import io.tef.worker.TefWorker;
import io.vertx.core.Future;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ExecutionException;

import static io.tef.node.TestNodes.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Task definitions: workers are admitted only for defined task types; a definition's defaults apply to its tasks. */
class TaskTypeTest extends SharedNodeTest {

  @TempDir
  static Path dataDir;

  @BeforeAll
  static void start() throws Exception {
    startNode(dataDir, Map.of("registry.auto_define", false, "task_types.from-config.max_attempts", 4));
  }

  @Test
  void aWorkerForAnUndefinedTaskTypeIsRefusedWithTheReason() throws Exception {
    TefWorker stranger = TefWorker.builder("stranger").handle("never-defined", job -> Future.succeededFuture(null)).build();
    await(node.vertx().deployVerticle(stranger));
    ExecutionException refused = assertThrows(ExecutionException.class, () -> await(stranger.registration()));
    ReplyException reply = assertInstanceOf(ReplyException.class, refused.getCause());
    assertEquals(400, reply.failureCode());
    assertTrue(reply.getMessage().contains("never-defined"), reply.getMessage());
    await(node.vertx().undeploy(stranger.deploymentID()));
  }

  @Test
  void aDefinedTaskTypeAdmitsItsWorkersAndGivesItsTasksTheirDefaults() throws Exception {
    JsonObject def = new JsonObject().put("name", "Send an email").put("description", "one message")
        .put("priority", 7).put("max_attempts", 5).put("job_attributes", new JsonArray().add("task_data.to").add("finished_at"));
    var created = http.put("/api/task-types/email", def);
    assertEquals(201, created.statusCode(), created.bodyAsString());
    assertEquals(200, http.put("/api/task-types/email", def).statusCode());
    assertEquals("Send an email", http.get("/api/task-types/email").bodyAsJsonObject().getString("name"));

    JsonObject accepted = await(node.vertx().eventBus().<JsonObject>request(Addresses.REGISTRY_REGISTER, new JsonObject()
        .put("name", "mailer").put("instance", "i-1").put("task_types", new JsonArray().add("email")))).body();
    assertEquals(new JsonArray().add("task_data.to").add("finished_at"),
        accepted.getJsonObject("task_types").getJsonObject("email").getJsonArray("job_attributes"), "the worker learns its job attributes");

    TefWorker mailer = TefWorker.builder("mailer-2").handle("email", job -> Future.succeededFuture("sent")).build();
    await(node.vertx().deployVerticle(mailer));
    await(mailer.registration());
    http.post("/api/tasks", new JsonObject().put("task_type", "email").put("guid", "mail-1").put("task_data", new JsonObject().put("to", "a@b")));
    JsonObject done = events.await("mail-1");
    assertEquals("sent", done.getString("result"));
    assertEquals(7, done.getInteger("priority"), "the definition's priority");
    assertEquals(5, done.getInteger("max_attempts"), "the definition's max_attempts");
    JsonObject explicit = http.post("/api/tasks", new JsonObject().put("task_type", "email").put("guid", "mail-2").put("priority", 2))
        .bodyAsJsonObject();
    assertEquals(2, explicit.getInteger("priority"), "the envelope wins over the definition");
    await(node.vertx().undeploy(mailer.deploymentID()));
  }

  @Test
  void notificationsCarryTheJobAttributesOfTheDefinition() throws Exception {
    assertEquals(201, http.put("/api/task-types/notify-me", new JsonObject()
        .put("job_attributes", new JsonArray().add("task_data.to").add("lastRunAt"))
        .put("job_success_attributes", new JsonArray().add("task_data.to").add("result"))).statusCode());
    java.util.concurrent.BlockingQueue<JsonObject> seen = new java.util.concurrent.LinkedBlockingQueue<>();
    var listener = node.vertx().eventBus().<JsonObject>consumer(Addresses.EVENTS_NOTIFICATIONS, m -> {
      if ("note-1".equals(m.body().getString("source_id"))) {
        seen.add(m.body());
      }
    });
    await(listener.completion());
    TefWorker notifier = TefWorker.builder("notifier").handle("notify-me", job -> {
      job.progress(40);
      job.info("half way");
      return Future.succeededFuture("delivered");
    }).build();
    await(node.vertx().deployVerticle(notifier));
    await(notifier.registration());
    http.post("/api/tasks", new JsonObject().put("task_type", "notify-me").put("guid", "note-1")
        .put("task_data", new JsonObject().put("to", "a@b").put("secret", "not for notifications")));
    Map<String, JsonObject> byType = new java.util.HashMap<>();
    while (!byType.containsKey("success")) {
      JsonObject n = seen.poll(30, java.util.concurrent.TimeUnit.SECONDS);
      assertTrue(n != null, "notifications so far: " + byType.keySet());
      byType.put(n.getString("type"), n);
    }
    assertEquals(java.util.Set.of("start", "progress", "log:info", "success"), byType.keySet());
    JsonObject start = byType.get("start").getJsonObject("job");
    assertEquals("a@b", start.getString("task_data.to"));
    assertTrue(start.getString("lastRunAt") != null, "Agenda's lastRunAt is started_at: " + start.encode());
    assertEquals(new JsonObject().put("task_data.to", "a@b").put("result", "delivered"), byType.get("success").getJsonObject("job"));
    assertEquals("notifier", byType.get("success").getString("worker_id"));
    assertEquals("half way", byType.get("log:info").getString("msg"));
    assertEquals(40, byType.get("progress").getInteger("msg"));
    await(listener.unregister());
    await(node.vertx().undeploy(notifier.deploymentID()));
  }

  @Test
  void definitionsComeFromConfigAndBuiltInsAreAlwaysThere() throws Exception {
    assertEquals(4, http.get("/api/task-types/from-config").bodyAsJsonObject().getInteger("max_attempts"));
    JsonArray all = http.get("/api/task-types").bodyAsJsonObject().getJsonArray("task_types");
    for (String id : new String[] {"from-config", "echo", "sleep", "fail", "shell", "task_get_count", "task_get_average"}) {
      assertTrue(all.stream().anyMatch(o -> id.equals(((JsonObject) o).getString("id"))), id + " in " + all.encode());
    }
    // The Task Engine's registry: callable over ZeroMQ out of the box, run once; the others are not callable.
    JsonObject count = http.get("/api/task-types/task_get_count").bodyAsJsonObject();
    assertEquals(true, count.getValue("rpc"), count.encode());
    assertEquals(1, count.getInteger("max_attempts"), count.encode());
    assertEquals(null, http.get("/api/task-types/echo").bodyAsJsonObject().getValue("rpc"));
  }

  @Test
  void aDefinitionsResourcesAreHeldByItsTasksUnlessTheEnvelopeNamesOthers() throws Exception {
    assertEquals(201, http.put("/api/task-types/with-resources", new JsonObject().put("resources", new JsonArray().add("tt-db").add("tt-net"))).statusCode());
    assertEquals(201, http.post("/api/tasks", new JsonObject().put("guid", "tt-res-1").put("task_type", "with-resources")).statusCode());
    assertEquals("tt-db|tt-net", http.get("/api/tasks/tt-res-1").bodyAsJsonObject().getString("resources"));
    assertEquals(201, http.post("/api/tasks", new JsonObject().put("guid", "tt-res-2").put("task_type", "with-resources").put("resources", "tt-own")).statusCode());
    assertEquals("tt-own", http.get("/api/tasks/tt-res-2").bodyAsJsonObject().getString("resources"));
    var bad = http.put("/api/task-types/with-resources", new JsonObject().put("resources", "a b"));
    assertEquals(400, bad.statusCode());
    assertEquals("resources", bad.bodyAsJsonObject().getString("field"));
    http.delete("/api/tasks/tt-res-1");
    http.delete("/api/tasks/tt-res-2");
  }

  @Test
  void badDefinitionsAreRefusedAndDeletingStopsAdmittingWorkers() throws Exception {
    var bad = http.put("/api/task-types/broken", new JsonObject().put("max_attempts", 0));
    assertEquals(400, bad.statusCode());
    assertEquals("max_attempts", bad.bodyAsJsonObject().getString("field"));
    bad = http.put("/api/task-types/broken", new JsonObject().put("job_attributes", "data"));
    assertEquals("job_attributes", bad.bodyAsJsonObject().getString("field"));
    bad = http.put("/api/task-types/broken", new JsonObject().put("rpc", "yes"));
    assertEquals("rpc", bad.bodyAsJsonObject().getString("field"));
    assertEquals(404, http.get("/api/task-types/broken").statusCode());

    assertEquals(201, http.put("/api/task-types/short-lived", new JsonObject()).statusCode());
    assertEquals(200, http.delete("/api/task-types/short-lived").statusCode());
    assertEquals(404, http.delete("/api/task-types/short-lived").statusCode());
    TefWorker late = TefWorker.builder("late").handle("short-lived", job -> Future.succeededFuture(null)).build();
    await(node.vertx().deployVerticle(late));
    assertThrows(ExecutionException.class, () -> await(late.registration()));
    await(node.vertx().undeploy(late.deploymentID()));
  }

  @Test
  void aBuiltInTypeCannotBeDeletedOverRestOrTheEventBus() throws Exception {
    for (String id : new String[] {"echo", "sleep", "fail", "shell", "task_get_count", "task_get_average"}) {
      var refused = http.delete("/api/task-types/" + id);
      assertEquals(409, refused.statusCode(), refused.bodyAsString());
      assertEquals("id", refused.bodyAsJsonObject().getString("field"));
      assertTrue(refused.bodyAsJsonObject().getString("error").startsWith(id + " is built in"), refused.bodyAsString());
      assertEquals(200, http.get("/api/task-types/" + id).statusCode(), id + " is still there");
    }
    ExecutionException e = assertThrows(ExecutionException.class, () -> await(node.vertx().eventBus().request(Addresses.TASK_TYPES,
        new JsonObject().put("op", "delete").put("id", "echo"))));
    assertEquals(409, assertInstanceOf(ReplyException.class, e.getCause()).failureCode());
  }

  @Test
  void aTypeLiveWorkersRunIsNotDeletedUntilTheyStop() throws Exception {
    assertEquals(201, http.put("/api/task-types/in-use", new JsonObject()).statusCode());
    TefWorker user = TefWorker.builder("in-use-worker").handle("in-use", job -> Future.succeededFuture(null)).build();
    await(node.vertx().deployVerticle(user));
    await(user.registration());
    awaitWorkers("in-use", 1);

    var refused = http.delete("/api/task-types/in-use");
    assertEquals(409, refused.statusCode(), refused.bodyAsString());
    assertEquals("id", refused.bodyAsJsonObject().getString("field"));
    assertTrue(refused.bodyAsJsonObject().getString("error").startsWith("1 live worker runs in-use"), refused.bodyAsString());
    ExecutionException e = assertThrows(ExecutionException.class, () -> await(node.vertx().eventBus().request(Addresses.TASK_TYPES,
        new JsonObject().put("op", "delete").put("id", "in-use"))));
    assertEquals(409, assertInstanceOf(ReplyException.class, e.getCause()).failureCode());
    assertEquals(200, http.get("/api/task-types/in-use").statusCode(), "the definition is kept");

    await(node.vertx().undeploy(user.deploymentID()));
    awaitWorkers("in-use", 0);
    assertEquals(200, http.delete("/api/task-types/in-use").statusCode());
    assertEquals(404, http.get("/api/task-types/in-use").statusCode());
  }

  /** Waits until the collective counts this many live workers for the task type. */
  private static void awaitWorkers(String taskType, int count) throws Exception {
    Polling.until(count + " live workers for " + taskType, java.time.Duration.ofSeconds(30),
        () -> await(node.vertx().eventBus().<JsonObject>request(Addresses.COLLECTIVE_GET_WORKERS, new JsonObject())).body()
            .getJsonArray("response"),
        live -> live.stream().filter(w -> ((JsonObject) w).getJsonArray("task_types").contains(taskType)).count() == count);
  }
}
