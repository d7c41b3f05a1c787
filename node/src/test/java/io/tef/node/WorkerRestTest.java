package io.tef.node;

import io.tef.protocol.Addresses;
import io.tef.node.cli.TefCommand;
import io.tef.worker.TefWorker;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static io.tef.node.TestNodes.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Worker records: wokmanager's REST door with its API keys, the native /api/workers, TEF's
 * worker_status / remove_worker / get_workers on the event bus, and the {@code workers} CLI.
 */
class WorkerRestTest extends SharedNodeTest {

  static final String KEY = "test-key-0001";

  @TempDir
  static Path dataDir;

  @BeforeAll
  static void start() throws Exception {
    startNode(dataDir, Map.of("auth.api_keys", List.of(KEY, "test-key-0002")));
  }

  private static HttpResponse<Buffer> event(String id, String group, String event, Object content) throws Exception {
    JsonObject body = new JsonObject().put("id", id).put("event", event).put("at", "now");
    if (group != null) {
      body.put("group", group);
    }
    if (content != null) {
      body.put("content", content);
    }
    return http.post("/worker/state?api-key=" + KEY, body);
  }

  @Test
  void wokmanagerStartedMessageErrorStopped() throws Exception {
    HttpResponse<Buffer> started = event("Importer01", "product.importer", "started", null);
    assertEquals(200, started.statusCode(), started.bodyAsString());
    assertEquals("started", started.bodyAsJsonObject().getString("registered"));
    Instant at = Instant.parse(started.bodyAsJsonObject().getString("at"));
    assertTrue(Math.abs(at.toEpochMilli() - System.currentTimeMillis()) < 60_000, "at is the time of the event, not the word now");

    assertEquals(200, event("Importer01", null, "message", "imported product 21").statusCode());
    HttpResponse<Buffer> error = event("Importer01", null, "error", new JsonObject().put("message", "Error processing Product21").put("action", "logged"));
    assertEquals(200, error.statusCode(), error.bodyAsString());
    assertEquals("error", error.bodyAsJsonObject().getString("registered"));

    JsonObject record = http.get("/api/workers/Importer01").bodyAsJsonObject();
    assertEquals("product.importer", record.getString("group"));
    assertEquals("running", record.getString("status"));
    assertEquals("rest", record.getString("via"));
    JsonArray messages = record.getJsonArray("messages");
    assertEquals("imported product 21", messages.getJsonObject(messages.size() - 1).getString("content"));
    assertEquals("Error processing Product21", record.getJsonArray("errors").getJsonObject(0).getJsonObject("content").getString("message"));

    // wokmanager.py's query: a JSON body on GET; and the same as a query parameter.
    JsonArray all = new JsonArray(http.getWithBody("/worker/state?api-key=" + KEY, "{\"id\": \"*\"}").bodyAsString());
    assertTrue(ids(all).contains("Importer01"), all.encode());
    JsonArray one = new JsonArray(http.get("/worker/state?id=Importer01&api-key=" + KEY).bodyAsString());
    assertEquals(List.of("Importer01"), ids(one));
    assertEquals("product.importer", one.getJsonObject(0).getString("group"));

    HttpResponse<Buffer> status = http.get("/worker/Importer01/status?api-key=" + KEY);
    assertEquals(200, status.statusCode());
    assertEquals("The worker Importer01 is running fine", status.bodyAsJsonObject().getString("message"));

    HttpResponse<Buffer> stopped = event("Importer01", "product.importer", "stopped", null);
    assertEquals(200, stopped.statusCode());
    assertEquals("stopped", stopped.bodyAsJsonObject().getString("registered"));
    assertFalse(ids(new JsonArray(http.get("/worker/state?id=*&api-key=" + KEY).bodyAsString())).contains("Importer01"),
        "a stopped worker is no longer listed as running");
    assertEquals("offline", http.get("/api/workers/Importer01").bodyAsJsonObject().getString("status"), "its record and history stay");

    HttpResponse<Buffer> again = event("Importer01", "product.importer", "stopped", null);
    assertEquals(404, again.statusCode());
    assertEquals("no such worker registered", again.bodyAsJsonObject().getString("error"));
    HttpResponse<Buffer> never = event("Nobody01", "product.importer", "stopped", null);
    assertEquals(404, never.statusCode());
    assertEquals("no such worker registered", never.bodyAsJsonObject().getString("error"));
    assertEquals(404, event("Nobody01", null, "message", "hello").statusCode());
    assertEquals(404, http.get("/worker/Nobody01/status?api-key=" + KEY).statusCode());
  }

  @Test
  void theDoorWantsAnAcceptedKey() throws Exception {
    JsonObject body = new JsonObject().put("id", "KeyTest01").put("group", "g.h").put("event", "started");
    HttpResponse<Buffer> missing = http.post("/worker/state", body);
    assertEquals(401, missing.statusCode());
    assertEquals("api-key", missing.bodyAsJsonObject().getString("field"));
    assertEquals(401, http.post("/worker/state?api-key=wrong-key-999", body).statusCode());
    assertEquals(401, http.get("/worker/state?id=*").statusCode());
    assertEquals(401, http.get("/worker/KeyTest01/status?api-key=test-key-000").statusCode());
    assertEquals(404, http.get("/api/workers/KeyTest01").statusCode(), "nothing was written without a key");

    assertEquals(200, http.post("/worker/state?api-key=test-key-0002", body).statusCode(), "any configured key");
    assertEquals(200, http.get("/worker/KeyTest01/status", "x-api-key", KEY).statusCode(), "the key as a header");
  }

  @Test
  void badEventsAreRefusedNamingTheField() throws Exception {
    assertField(http.post("/worker/state?api-key=" + KEY, new JsonObject().put("id", "Bad01").put("event", "exploded")), "event");
    assertField(http.post("/worker/state?api-key=" + KEY, new JsonObject().put("id", "Bad01")), "event");
    assertField(http.post("/worker/state?api-key=" + KEY, new JsonObject().put("event", "started")), "id");
    assertField(http.post("/worker/state?api-key=" + KEY, new JsonObject().put("id", "has space").put("event", "started")), "id");
    assertField(http.post("/worker/state?api-key=" + KEY, new JsonObject().put("id", "Bad01").put("event", "started").put("at", "yesterday-ish")), "at");
    assertField(http.post("/worker/state?api-key=" + KEY, new JsonObject().put("id", "Bad01").put("event", "message")), "content");
    HttpResponse<Buffer> malformed = http.post("/worker/state?api-key=" + KEY, "{\"id\": ");
    assertEquals(400, malformed.statusCode());
    assertTrue(malformed.bodyAsJsonObject().getString("error").contains("malformed JSON"));
    assertField(http.get("/worker/state?api-key=" + KEY), "id");
    assertEquals(404, http.get("/api/workers/Bad01").statusCode(), "no bad event left a record");
  }

  @Test
  void listingFiltersWithWildcards() throws Exception {
    assertEquals(200, event("wild-imp-1", "product.importer", "started", null).statusCode());
    assertEquals(200, event("wild-imp-2", "product.exporter", "started", null).statusCode());
    assertEquals(200, event("wild-promo-1", "price.promotion", "started", null).statusCode());
    Future<Void> up = presence("wild-bare", "up");
    try (BareWorker bare = new BareWorker(node, "wild-bare", "wild-type-a", "other-type")) {
      await(up);
      assertEquals(List.of("wild-imp-1", "wild-imp-2"), list("?id=wild-*&group=product.*"));
      assertEquals(List.of("wild-imp-1", "wild-promo-1"), list("?id=wild-*-1"));
      assertEquals(List.of("wild-promo-1"), list("?id=wild-*&group=price.promotion"));
      assertEquals(List.of("wild-bare"), list("?id=wild-*&task_type=wild-*"));
      assertEquals(List.of("wild-bare"), list("?id=*&task_type=other-type"));
      assertEquals(List.of("wild-imp-1", "wild-imp-2", "wild-promo-1"), list("?id=wild-*&status=running"));
      assertEquals(List.of("wild-bare"), list("?id=wild-*&status=idle"));
      assertEquals(List.of("wild-bare", "wild-imp-1", "wild-imp-2", "wild-promo-1"), list("?id=wild-*&group=*"));
      assertEquals(List.of(), list("?id=wild-*&group=product"), "no wildcard: the whole group must match");
      JsonObject page = http.get("/api/workers?id=wild-*").bodyAsJsonObject();
      assertEquals(4, page.getInteger("count"));
      assertField(http.get("/api/workers?grup=product.*"), "grup");
    }
  }

  /** TEF: a worker_status from a worker the collective does not know adds it, and it gets tasks. */
  @Test
  void aStatusFromAnUnknownTefWorkerRegistersIt() throws Exception {
    var bus = node.vertx().eventBus();
    LinkedBlockingQueue<JsonObject> tasks = new LinkedBlockingQueue<>();
    MessageConsumer<JsonObject> consumer = bus.consumer(Addresses.worker("tef-style-1"), m -> {
      m.reply(new JsonObject().put("accepted", true));
      tasks.add(m.body());
    });
    await(consumer.completion());
    try {
      JsonObject status = new JsonObject().put("type", "worker_status").put("name", "tef-style-1").put("worker_type", "tef-style")
          .put("exchange_name", "tef.test.workers.tef-style-1").put("status", "ready");
      assertEquals(true, await(bus.<JsonObject>request(Addresses.COLLECTIVE_CONTROL, status)).body().getBoolean("ok"));

      JsonObject record = http.get("/api/workers/tef-style-1").bodyAsJsonObject();
      assertEquals("idle", record.getString("status"), "ready is idle");
      assertEquals("amqp", record.getString("via"));
      assertEquals("tef.test.workers.tef-style-1", record.getString("work_queue"));
      assertEquals(List.of("tef-style"), record.getJsonArray("task_types").getList());
      assertTrue(record.getBoolean("alive"));

      await(bus.request(Addresses.TASKS_SUBMIT, new JsonObject().put("task_type", "tef-style").put("guid", "tef-style-task")));
      JsonObject task = tasks.poll(15, TimeUnit.SECONDS);
      assertNotNull(task, "the dispatchers learnt of the worker and gave it a task");
      assertEquals("tef-style-task", task.getJsonObject("task").getString("guid"));

      await(bus.request(Addresses.COLLECTIVE_STATUS, status.copy().put("status", "working").put("task", "tef-style-task").put("attempt", 1)));
      JsonObject working = http.get("/api/workers/tef-style-1").bodyAsJsonObject();
      assertEquals("working", working.getString("status"));
      assertEquals("tef-style-task", working.getString("task"));
      assertEquals(1, working.getInteger("attempt"));
      assertEquals(1, working.getInteger("tasks_dispatched"));
    } finally {
      await(consumer.unregister());
    }

    // Without the task types it runs, an unknown worker is told to register (the SDK's path).
    ReplyException unknown = replyFailure(Addresses.COLLECTIVE_STATUS, new JsonObject().put("name", "sdk-like").put("status", "idle"));
    assertEquals(404, unknown.failureCode());
    ReplyException badStatus = replyFailure(Addresses.COLLECTIVE_CONTROL, new JsonObject().put("type", "worker_status").put("name", "x").put("status", "asleep"));
    assertEquals(400, badStatus.failureCode());
    assertEquals("status", new JsonObject(badStatus.getMessage()).getString("field"));
    ReplyException badType = replyFailure(Addresses.COLLECTIVE_CONTROL, new JsonObject().put("type", "fire_worker"));
    assertEquals("type", new JsonObject(badType.getMessage()).getString("field"));
  }

  /** remove_worker of a worker running a task: the task goes to another worker at once and completes once. */
  @Test
  void removingAWorkerRedispatchesItsTask() throws Exception {
    var bus = node.vertx().eventBus();
    AtomicInteger ends = new AtomicInteger();
    MessageConsumer<JsonObject> counter = bus.consumer(Addresses.EVENTS_TASKS, m -> {
      if ("rm-task".equals(m.body().getString("guid"))) {
        ends.incrementAndGet();
      }
    });
    await(counter.completion());
    Future<Void> up = presence("rm-first", "up");
    try (BareWorker first = new BareWorker(node, "rm-first", "rm-job")) {
      await(up);
      await(bus.request(Addresses.TASKS_SUBMIT, new JsonObject().put("task_type", "rm-job").put("guid", "rm-task").put("task_data", "payload")));
      JsonObject given = first.next();
      assertEquals("rm-task", given.getJsonObject("task").getString("guid"));
      assertEquals(1, given.getInteger("attempt"));

      TefWorker second = TefWorker.builder("rm-second").handle("rm-job", job -> Future.succeededFuture(job.data())).build();
      await(node.vertx().deployVerticle(second));
      await(second.registration());

      HttpResponse<Buffer> removed = http.delete("/api/workers/rm-first");
      assertEquals(200, removed.statusCode(), removed.bodyAsString());
      assertEquals("rm-first", removed.bodyAsJsonObject().getString("name"));

      JsonObject done = events.await("rm-task");
      assertEquals("completed", done.getString("state"));
      assertEquals("rm-second", done.getString("worker"));
      assertEquals(2, done.getInteger("attempt"));
      assertEquals("payload", done.getString("result"));
      // Every attempt counts: the one lost with the removed worker is one of max_attempts.
      assertEquals(1, done.getInteger("fail_count"), done.encode());
      assertEquals(1, done.getInteger("lost_count"), done.encode());
      assertEquals("worker rm-first was removed during attempt 1", done.getString("fail_reason"));

      ReplyException late = replyFailure(Addresses.TASKS_REPORT, first.report("rm-task", 1, "completed", "late"));
      assertEquals(410, late.failureCode(), "the removed worker's attempt is fenced off, as gone: TEF ended it");
      assertEquals("payload", http.get("/api/tasks/rm-task").bodyAsJsonObject().getString("result"));
      assertEquals(404, http.get("/api/workers/rm-first").statusCode(), "its record is gone");
      assertEquals(404, http.delete("/api/workers/rm-first").statusCode());
      assertEquals(1, ends.get(), "completed once");
    } finally {
      await(counter.unregister());
    }
    ReplyException unknown = replyFailure(Addresses.COLLECTIVE_REMOVE_WORKER, new JsonObject().put("name", "never-there"));
    assertEquals(404, unknown.failureCode());
    assertEquals("name", new JsonObject(unknown.getMessage()).getString("field"));
  }

  @Test
  void getWorkersAnswersInTefShape() throws Exception {
    assertEquals(200, event("gw-rest-1", "g.rest", "started", null).statusCode());
    Future<Void> up = presence("gw-bare", "up");
    try (BareWorker bare = new BareWorker(node, "gw-bare", "gw-job")) {
      await(up);
      for (JsonObject ask : List.of(new JsonObject(), new JsonObject().put("type", "get_workers"))) {
        String address = ask.isEmpty() ? Addresses.COLLECTIVE_GET_WORKERS : Addresses.COLLECTIVE_CONTROL;
        JsonArray response = await(node.vertx().eventBus().<JsonObject>request(address, ask)).body().getJsonArray("response");
        JsonObject entry = null;
        for (Object o : response) {
          JsonObject w = (JsonObject) o;
          assertFalse("gw-rest-1".equals(w.getString("name")), "REST records take no tasks: not in get_workers");
          if ("gw-bare".equals(w.getString("name"))) {
            entry = w;
          }
        }
        assertNotNull(entry, response.encode());
        for (String field : List.of("name", "work_queue", "status", "task")) {
          assertTrue(entry.containsKey(field), field + " in " + entry.encode());
        }
        assertEquals(Addresses.worker("gw-bare"), entry.getString("work_queue"));
        assertEquals("idle", entry.getString("status"));
        assertTrue(entry.getBoolean("alive"));
        assertEquals("bare-1", entry.getString("instance"));
        assertEquals(List.of("gw-job"), entry.getJsonArray("task_types").getList());
      }
    }
  }

  @Test
  void workersCommandListsLikeWokmanagerPy() throws Exception {
    assertEquals(200, event("cli-1", "product.importer", "started", null).statusCode());
    assertEquals(200, event("cli-2", "price.promotion", "started", null).statusCode());
    assertEquals(200, event("cli-3", "price.promotion", "started", null).statusCode());
    assertEquals(200, event("cli-3", null, "stopped", null).statusCode());
    String url = "http://127.0.0.1:" + node.httpPort();

    Run unkeyed = run("workers", "--id", "cli-*", "--url", url);
    assertEquals(1, unkeyed.exit(), "the node wants keys: " + unkeyed.out());
    assertTrue(unkeyed.err().contains("401") && unkeyed.err().contains("API key is required"), unkeyed.err());
    Run open = run("workers", "--id", "cli-*", "--url", url, "--key", KEY);
    assertEquals(0, open.exit(), open.err());
    assertEquals("Requiring Workers that match {'id': 'cli-*'} condition\n2 Workers running with such a criteria:\n"
        + "Id: cli-1, group: product.importer\nId: cli-2, group: price.promotion\n", open.out().replace("\r\n", "\n"));

    Run door = run("workers", "--id", "cli-2", "--url", url, "--api-key", KEY);
    assertEquals(0, door.exit(), door.err());
    assertTrue(door.out().contains("1 Workers running with such a criteria:\nId: cli-2, group: price.promotion"), door.out());

    Run refused = run("workers", "--id", "*", "--url", url, "--api-key", "not-the-key");
    assertEquals(1, refused.exit());
    assertTrue(refused.err().contains("401") && refused.err().contains("not accepted"), refused.err());

    Run down = run("workers", "--url", "http://127.0.0.1:1", "--timeout", "3");
    assertEquals(1, down.exit());
    assertTrue(down.err().contains("cannot reach the node at http://127.0.0.1:1"), down.err());
    assertEquals(2, run("workers", "--url", "localhost:8080").exit(), "a URL without http:// is a bad option");
  }

  record Run(int exit, String out, String err) {
  }

  static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cmd = TefCommand.commandLine();
    cmd.setOut(new PrintWriter(out, true));
    cmd.setErr(new PrintWriter(err, true));
    int exit = cmd.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  private static List<String> list(String query) throws Exception {
    HttpResponse<Buffer> r = http.get("/api/workers" + query);
    assertEquals(200, r.statusCode(), r.bodyAsString());
    return ids(r.bodyAsJsonObject().getJsonArray("workers"));
  }

  private static List<String> ids(JsonArray workers) {
    return workers.stream().map(o -> ((JsonObject) o).getString("id")).toList();
  }

  private static void assertField(HttpResponse<Buffer> r, String field) {
    assertEquals(400, r.statusCode(), r.bodyAsString());
    assertEquals(field, r.bodyAsJsonObject().getString("field"), r.bodyAsString());
  }

  private static ReplyException replyFailure(String address, JsonObject message) {
    ExecutionException e = assertThrows(ExecutionException.class, () -> await(node.vertx().eventBus().request(address, message)));
    return assertInstanceOf(ReplyException.class, e.getCause());
  }

  /** Completes when the collective tells the dispatchers that this worker is up (or down). */
  static Future<Void> presence(String name, String event) throws Exception {
    Promise<Void> seen = Promise.promise();
    MessageConsumer<JsonObject> c = node.vertx().eventBus().consumer(Addresses.DISPATCHER_WORKERS, m -> {
      if (name.equals(m.body().getString("name")) && event.equals(m.body().getString("event"))) {
        seen.tryComplete();
      }
    });
    await(c.completion());
    return seen.future().eventually(c::unregister);
  }
}
