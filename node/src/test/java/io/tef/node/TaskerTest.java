package io.tef.node;

import io.tef.protocol.Addresses;
import io.tef.protocol.AmqpNames;
import io.tef.core.config.ConfigException;
import io.tef.node.cli.TaskerEndpoint;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * tasker's fan-out end to end on a real broker: POST /<type> publishes to the fanout exchange
 * tasker.<type>, endpoints (the endpoint command's class, and a silent queue) answer, and
 * GET /<type>/<id> shows the task with its responses.
 */
class TaskerTest extends SharedNodeTest {

  private static final long WAIT_MS = 1500;

  @TempDir
  static Path dataDir;
  static AmqpBroker broker;
  /** Unique per run: tasker's exchange names carry no env prefix. */
  static String type;
  static TaskerEndpoint echo;
  static TaskerEndpoint failing;
  static final BlockingQueue<JsonObject> onBus = new LinkedBlockingQueue<>();

  @BeforeAll
  static void start() throws Exception {
    broker = AmqpBroker.require();
    type = "tk" + broker.env;
    Map<String, Object> settings = new HashMap<>(broker.nodeSettings());
    settings.put("tasker.task_types", List.of(type));
    settings.put("tasker.wait_for_endpoints_timeout_ms", WAIT_MS);
    startNode(dataDir, settings);
    AmqpBroker.awaitUp(node);
    TestNodes.await(node.vertx().eventBus().<JsonObject>consumer(Addresses.tasker(type), m -> onBus.add(m.body())).completion());
    echo = new TaskerEndpoint(broker.connection, "ep-echo", type, false, new java.io.PrintWriter(System.out)).start();
    failing = new TaskerEndpoint(broker.connection, "ep-fail", type, true, new java.io.PrintWriter(System.out)).start();
    // An endpoint that is subscribed but never answers.
    broker.channel.queueDeclare(AmqpNames.taskerEndpointQueue(type, "ep-silent"), true, false, false, null);
    broker.channel.queueBind(AmqpNames.taskerEndpointQueue(type, "ep-silent"), AmqpNames.taskerExchange(type), "");
    for (String ep : List.of("ep-echo", "ep-fail", "ep-silent")) {
      broker.forget(AmqpNames.taskerEndpointQueue(type, ep));
    }
    broker.forget(broker.prefix() + ".tasker.responses");
    broker.forgetExchange(AmqpNames.taskerExchange(type));
  }

  @AfterAll
  static void stop() throws Exception {
    for (TaskerEndpoint ep : new TaskerEndpoint[] {echo, failing}) {
      if (ep != null) {
        ep.close();
      }
    }
    if (broker != null) {
      broker.close();
    }
  }

  private static JsonObject post(JsonObject body) throws Exception {
    HttpResponse<Buffer> r = http.post("/" + type, body);
    assertEquals(200, r.statusCode(), r.bodyAsString());
    return r.bodyAsJsonObject();
  }

  /** GET until every endpoint named has FINISHED (endpoints answer FINISHED after the POST returned). */
  private static JsonObject awaitFinished(String id, int count) throws Exception {
    return Polling.until("every response FINISHED", java.time.Duration.ofSeconds(15), () -> {
      HttpResponse<Buffer> r = http.get("/" + type + "/" + id);
      assertEquals(200, r.statusCode(), r.bodyAsString());
      return r.bodyAsJsonObject();
    }, body -> {
      JsonArray list = body.getJsonArray("taskResponseList");
      return list.size() == count && list.stream().allMatch(o -> "FINISHED".equals(((JsonObject) o).getString("status")));
    });
  }

  private static JsonObject response(JsonObject got, String endpoint) {
    return got.getJsonArray("taskResponseList").stream().map(o -> (JsonObject) o)
        .filter(o -> endpoint.equals(o.getString("endpoint"))).findFirst().orElseThrow(() -> new AssertionError("no response of " + endpoint));
  }

  @Test
  void aTaskIsDoneWhenEveryListedEndpointReceivedIt() throws Exception {
    // Opaque: a $ key the store's codec would read as a date comes back as it was sent.
    JsonObject payload = new JsonObject().put("foo", "bar").put("when", new JsonObject().put("$date", "garbage"));
    JsonObject task = post(new JsonObject().put("identifier", "e7bd91d0-done").put("payload", payload)
        .put("endpoints", new JsonArray().add("ep-echo").add("ep-fail")));
    assertEquals("DONE", task.getString("status"), task.encode());
    assertEquals(type, task.getString("type"));
    assertEquals("e7bd91d0-done", task.getString("identifier"));
    assertEquals(new JsonArray().add("ep-echo").add("ep-fail"), task.getJsonArray("endpoints"));
    assertEquals(payload, task.getJsonObject("payload"));
    assertNotNull(task.getString("start_time"));
    String id = task.getString("id");

    JsonObject published;
    do {
      published = onBus.poll(5, TimeUnit.SECONDS);
      assertNotNull(published, "the task was not published on the event bus");
    } while (!id.equals(published.getString("id")));
    assertEquals(broker.prefix() + ".tasker.responses", published.getString("responses_to"));

    JsonObject got = awaitFinished(id, 2);
    assertEquals(id, got.getJsonObject("task").getString("id"));
    JsonObject ok = response(got, "ep-echo");
    assertEquals(id, ok.getString("task_id"));
    assertEquals(0, ok.getInteger("errnr"));
    assertEquals(payload, ok.getJsonObject("payload"));
    assertNotNull(ok.getString("start_time"));
    assertNotNull(ok.getString("last_modified_time"));
    JsonObject failed = response(got, "ep-fail");
    assertEquals(TaskerEndpoint.GENERAL_ERROR, failed.getInteger("errnr"));
    assertTrue(failed.getString("errmsg").startsWith("General error"), failed.encode());

    // By the customer's identifier too.
    JsonObject byIdentifier = http.get("/" + type + "/e7bd91d0-done").bodyAsJsonObject();
    assertEquals(id, byIdentifier.getJsonObject("task").getString("id"));
    assertEquals("DONE", byIdentifier.getJsonObject("task").getString("status"));
    assertEquals(2, byIdentifier.getJsonArray("taskResponseList").size());
  }

  @Test
  void aTaskIsIncompleteWhenAListedEndpointNeverAnswers() throws Exception {
    long start = System.nanoTime();
    JsonObject task = post(new JsonObject().put("identifier", "incomplete-1").put("payload", 7)
        .put("endpoints", new JsonArray().add("ep-echo").add("ep-silent")));
    long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertEquals("INCOMPLETE", task.getString("status"), task.encode());
    assertTrue(tookMs >= WAIT_MS - 100 && tookMs < WAIT_MS + 5000, "answered after " + tookMs + " ms");
    JsonObject got = http.get("/" + type + "/" + task.getString("id")).bodyAsJsonObject();
    assertEquals("INCOMPLETE", got.getJsonObject("task").getString("status"));
    assertTrue(got.getJsonArray("taskResponseList").stream().noneMatch(o -> "ep-silent".equals(((JsonObject) o).getString("endpoint"))));
    assertEquals(7, response(awaitFinished(task.getString("id"), 2), "ep-echo").getInteger("payload"));
  }

  @Test
  void aTaskWithoutEndpointsIsAnsweredSentAtOnce() throws Exception {
    JsonObject task = post(new JsonObject().put("identifier", "no-endpoints"));
    assertEquals("SENT", task.getString("status"), task.encode());
    assertEquals(new JsonArray(), task.getJsonArray("endpoints"));
    assertNull(task.getValue("payload"));
    awaitFinished(task.getString("id"), 2);
  }

  @Test
  void unknownTasksAndTypesAre404() throws Exception {
    HttpResponse<Buffer> r = http.get("/" + type + "/no-such-task");
    assertEquals(404, r.statusCode(), r.bodyAsString());
    assertEquals("id", r.bodyAsJsonObject().getString("field"));
    assertEquals(404, http.post("/not-a-tasker-type", new JsonObject().put("identifier", "x")).statusCode());
    assertEquals(404, http.get("/not-a-tasker-type/x").statusCode());
    // The native routes are not shadowed.
    assertEquals(200, http.get("/health").statusCode());
    assertEquals(200, http.get("/api/tasks").statusCode());
  }

  @Test
  void badBodiesAre400NamingTheField() throws Exception {
    assertField(http.post("/" + type, new JsonObject().put("payload", 1)), "identifier");
    assertField(http.post("/" + type, new JsonObject().put("identifier", "")), "identifier");
    assertField(http.post("/" + type, new JsonObject().put("identifier", 5)), "identifier");
    assertField(http.post("/" + type, new JsonObject().put("identifier", "a").put("endpoints", "ep-echo")), "endpoints");
    assertField(http.post("/" + type, new JsonObject().put("identifier", "a").put("endpoints", new JsonArray().add(3))), "endpoints");
    HttpResponse<Buffer> notJson = http.post("/" + type, "{not json");
    assertEquals(400, notJson.statusCode(), notJson.bodyAsString());
    assertEquals(400, http.post("/" + type, "[1, 2]").statusCode());
  }

  @Test
  void aTaskerTypeMayNotShadowTheGatewaysOwnPaths() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> TestNodes.config(dataDir, Map.of("tasker.task_types", List.of("ok", "api"))));
    assertTrue(e.getMessage().contains("tasker.task_types[1]"), e.getMessage());
  }

  private static void assertField(HttpResponse<Buffer> r, String field) {
    assertEquals(400, r.statusCode(), r.bodyAsString());
    assertEquals(field, r.bodyAsJsonObject().getString("field"), r.bodyAsString());
  }
}
