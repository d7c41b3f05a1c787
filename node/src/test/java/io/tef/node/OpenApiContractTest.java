package io.tef.node;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.validation.ResponseValidator;
import io.vertx.openapi.validation.ValidatableResponse;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static io.tef.node.TestNodes.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every operation of the contract, called on a running node, answers as the contract describes:
 * each answer is validated by vertx-openapi against {@code GET /api/openapi.json}, the contract the
 * node itself serves. An operation added to the contract without a call here fails the test.
 */
class OpenApiContractTest extends SharedNodeTest {

  static final String KEY = "openapi-test-key-01";
  static final String WORKER_KEY = "openapi-worker-key-01";

  @TempDir
  static Path dataDir;

  static ResponseValidator validator;
  static OpenAPIContract contract;
  static final Set<String> called = new TreeSet<>();

  @BeforeAll
  static void start() throws Exception {
    startNode(dataDir, Map.of("node.demo_workers", 1, "tasker.task_types", List.of("deploy"),
        "auth.api_keys", List.of(KEY, Map.of("name", "workers", "key", WORKER_KEY, "roles", List.of("worker"))),
        "resources", Map.of("oa-db", Map.of("limit", 1))));
    JsonObject served = http.get("/api/openapi.json").bodyAsJsonObject();
    contract = await(OpenAPIContract.from(node.vertx(), served));
    validator = ResponseValidator.create(node.vertx(), contract);
  }

  /** Validates the answer against the operation; the status must be one the caller expects. */
  private static void check(String operationId, HttpResponse<Buffer> r, int expected) throws Exception {
    assertEquals(expected, r.statusCode(), operationId + ": " + r.bodyAsString());
    Map<String, String> headers = new HashMap<>();
    r.headers().forEach(e -> headers.put(e.getKey().toLowerCase(java.util.Locale.ROOT), e.getValue()));
    String type = r.getHeader("content-type");
    if (type != null && type.startsWith("text/plain")) {
      // vertx-openapi 5.0 has no reader for text bodies (it hands the schema a buffer): the status and
      // media type are checked against the contract here, the scrape's format by MetricsTest.
      var described = contract.operation(operationId).getResponse(r.statusCode());
      assertTrue(described != null && described.getContent().containsKey("text/plain"), operationId + " " + r.statusCode() + " text/plain");
      called.add(operationId);
      return;
    }
    ValidatableResponse answer = r.body() == null || r.body().length() == 0 ? ValidatableResponse.create(r.statusCode(), headers)
        : ValidatableResponse.create(r.statusCode(), headers, r.body(), type == null ? null : type.split(";")[0].trim());
    try {
      await(validator.validate(answer, operationId));
    } catch (Exception e) {
      throw new AssertionError(operationId + " answered " + r.statusCode() + " " + r.bodyAsString() + " against the contract: " + e.getMessage(), e);
    }
    called.add(operationId);
  }

  private static HttpResponse<Buffer> worker(HttpMethod method, String path, JsonObject body) throws Exception {
    String sep = path.contains("?") ? "&" : "?";
    return body == null ? http.send(method, path + sep + "api-key=" + WORKER_KEY, null, null)
        : http.send(method, path + sep + "api-key=" + WORKER_KEY, body.encode());
  }

  @Test
  void everyOperationAnswersAsTheContractSays() throws Exception {
    check("submitTasks", http.post("/api/tasks", new JsonObject().put("task_type", "echo").put("guid", "oa-1").put("suite_guid", "oa-suite")), 201);
    events.await("oa-1");
    check("submitTasks", http.post("/api/tasks", new JsonArray().add(new JsonObject().put("task_type", "echo")).add(new JsonObject().put("bad", 1)).encode()), 200);
    check("submitTasks", http.post("/api/tasks", new JsonObject().put("task_type", "echo").put("guid", "oa-1")), 200);
    check("submitTasks", http.post("/api/tasks", new JsonObject().put("no_type", "echo")), 400);
    check("listTasks", http.get("/api/tasks?limit=5&state=completed"), 200);
    check("getTask", http.get("/api/tasks/oa-1"), 200);
    check("getTask", http.get("/api/tasks/oa-none"), 404);
    http.post("/api/tasks", new JsonObject().put("task_type", "echo").put("guid", "oa-2").put("suite_guid", "oa-later").put("run_at", "2999-01-01T00:00:00Z"));
    check("cancelTask", http.delete("/api/tasks/oa-2"), 200);
    check("cancelTask", http.delete("/api/tasks/oa-1"), 409);
    check("retryTask", http.post("/api/tasks/oa-2/retry", ""), 200);
    check("retryTask", http.post("/api/tasks/oa-1/retry", ""), 409);
    check("retryTask", http.post("/api/tasks/oa-none/retry", ""), 404);
    http.post("/api/tasks", new JsonObject().put("task_type", "oa-nobody").put("guid", "oa-3"));
    check("changeTaskPriority", http.patch("/api/tasks/oa-3", new JsonObject().put("priority", 5)), 200);
    check("changeTaskPriority", http.patch("/api/tasks/oa-1", new JsonObject().put("priority", 5)), 409);
    check("changeTaskPriority", http.patch("/api/tasks/oa-none", new JsonObject().put("priority", 5)), 404);
    check("changeTaskPriority", http.patch("/api/tasks/oa-3", new JsonObject().put("priority", "high")), 400);
    HttpResponse<Buffer> page = http.get("/api/tasks?limit=1&guid_contains=oa-&worker=" + events.await("oa-1").getString("worker"));
    check("listTasks", page, 200);
    check("listTasks", http.get("/api/tasks?limit=1&before=" + java.net.URLEncoder.encode(page.bodyAsJsonObject().getString("next"),
        java.nio.charset.StandardCharsets.UTF_8)), 200);
    check("getAccess", http.get("/api/access"), 200);
    check("getDashboard", http.getUnfollowed("/"), 302);
    check("getSuite", http.get("/api/suites/oa-suite"), 200);
    check("getSuite", http.get("/api/suites/oa-suite?limit=0"), 200);
    check("pauseSuite", http.post("/api/suites/oa-later/pause", ""), 200);
    check("readySuite", http.post("/api/suites/oa-later/ready", ""), 200);
    check("stopSuite", http.post("/api/suites/oa-later/stop", ""), 200);
    check("getDispatcherState", http.get("/api/dispatcher/state"), 200);
    check("setDispatcherState", http.put("/api/dispatcher/state", new JsonObject().put("state", "running")), 200);
    check("setDispatcherState", http.put("/api/dispatcher/state", new JsonObject().put("state", "asleep")), 400);
    check("listResources", http.get("/api/resources"), 200);
    check("getResource", http.get("/api/resources/oa-db"), 200);
    check("putResource", http.put("/api/resources/oa-db2", new JsonObject().put("limit", 2)), 201);
    check("putResource", http.put("/api/resources/oa-db2", new JsonObject().put("limit", 3)), 200);
    check("deleteResource", http.delete("/api/resources/oa-db2"), 200);
    check("listTaskTypes", http.get("/api/task-types"), 200);
    check("getTaskType", http.get("/api/task-types/echo"), 200);
    check("putTaskType", http.put("/api/task-types/oa-type", new JsonObject().put("name", "OpenAPI").put("max_attempts", 2)), 201);
    check("deleteTaskType", http.delete("/api/task-types/oa-type"), 200);
    check("wokmanagerEvent", worker(HttpMethod.POST, "/worker/state", new JsonObject().put("id", "oa-w").put("event", "started")), 200);
    check("wokmanagerState", worker(HttpMethod.GET, "/worker/state?id=oa-w", null), 200);
    check("wokmanagerStatus", worker(HttpMethod.GET, "/worker/oa-w/status", null), 200);
    check("listWorkers", http.get("/api/workers"), 200);
    check("getWorker", http.get("/api/workers/oa-w"), 200);
    check("removeWorker", http.delete("/api/workers/oa-w"), 200);
    check("removeWorker", http.delete("/api/workers/oa-w"), 404);
    check("getCluster", http.get("/api/cluster"), 200);
    check("getOpenApi", http.get("/api/openapi.json"), 200);
    check("getMetrics", http.get("/metrics"), 200);
    check("getHealth", http.get("/health"), 200);
    check("getLiveness", http.get("/health/live"), 200);
    check("getReadiness", http.get("/health/ready"), 200);
    // tasker needs the AMQP bridge, which this node does not run: refused as the contract says.
    check("taskerSubmit", http.post("/deploy", new JsonObject().put("identifier", "oa").put("payload", new JsonObject())), 503);
    check("taskerGet", http.get("/deploy/oa"), 503);

    Set<String> documented = new TreeSet<>();
    contract.operations().forEach(op -> documented.add(op.getOperationId()));
    assertEquals(documented, called, "every operation of the contract was called and answered as described");
  }

  /** The validator is no rubber stamp: an answer the contract does not describe is refused. */
  @Test
  void anAnswerOffTheContractIsRefused() {
    ValidatableResponse wrong = ValidatableResponse.create(200, Buffer.buffer(new JsonObject().put("count", "many").encode()), "application/json");
    assertThrows(Exception.class, () -> await(validator.validate(wrong, "listTasks")));
  }
}
