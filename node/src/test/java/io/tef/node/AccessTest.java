package io.tef.node;

import io.tef.core.auth.KeyRing;
import io.tef.core.config.ConfigException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static io.tef.node.TestNodes.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Keys and roles on the REST doors, the CORS policy and JSON-only changes: what a hostile client
 * with no key, a key of too small a role, or a page of another origin can do (nothing), and what
 * each role can.
 */
class AccessTest extends SharedNodeTest {

  static final String ALL = "all-roles-key-1";
  static final String READER = "reader-key-0001";
  static final String SUBMITTER = "submit-key-0001";
  static final String ADMIN = "admin-key-0001";
  static final String WORKER = "worker-key-0001";
  static final String ALLOWED_ORIGIN = "http://dashboard.example:3000";

  @TempDir
  static Path dataDir;

  static Http bare;
  static WebClient raw;

  @BeforeAll
  static void start() throws Exception {
    startNode(dataDir, Map.of(
        "auth.api_keys", List.of(ALL,
            Map.of("name", "reader", "key", READER, "roles", List.of("read")),
            Map.of("name", "submitter", "key", SUBMITTER, "roles", List.of("submit", "read")),
            Map.of("name", "ops", "sha256", HexFormat.of().formatHex(KeyRing.sha256(ADMIN)), "roles", List.of("admin")),
            Map.of("name", "importers", "key", WORKER, "roles", List.of("worker"), "workers", List.of("importer-*"))),
        "auth.max_failures_per_minute", 1000,
        "http.allowed_origins", List.of(ALLOWED_ORIGIN),
        "tasker.task_types", List.of("deploy")));
    bare = new Http(node.vertx(), node.httpPort(), null);
    raw = WebClient.create(node.vertx(), new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(node.httpPort()));
  }

  @AfterAll
  static void closeClients() {
    bare.close();
    raw.close();
  }

  private static Http as(String key) {
    return new Http(node.vertx(), node.httpPort(), key);
  }

  private static void assertRefused(int status, HttpResponse<Buffer> r, String field) {
    assertEquals(status, r.statusCode(), r.bodyAsString());
    assertEquals(field, r.bodyAsJsonObject().getString("field"), r.bodyAsString());
  }

  /** The hostile list, with no key at all: every one 401, and nothing changed. */
  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "POST|/api/tasks|{\"task_type\": \"echo\", \"guid\": \"hostile-1\"}",
      "DELETE|/api/tasks/hostile-1|",
      "POST|/api/suites/s1/stop|",
      "DELETE|/api/workers/w1|",
      "PUT|/api/dispatcher/state|{\"state\": \"stopped\"}",
      "PUT|/api/resources/db|{\"limit\": 0}",
      "PUT|/api/task-types/echo|{\"time_limit\": 1}",
      "GET|/api/tasks|",
      "GET|/api/workers|",
      "POST|/deploy|{\"identifier\": \"x\"}"})
  void withoutAKeyEveryDoorAnswers401(String method, String path, String body) throws Exception {
    HttpResponse<Buffer> r = body == null ? bare.send(HttpMethod.valueOf(method), path, null, null)
        : bare.send(HttpMethod.valueOf(method), path, body);
    assertRefused(401, r, "api-key");
    assertEquals("ApiKey", r.getHeader("www-authenticate"));
    assertEquals("running", http.get("/api/dispatcher/state").bodyAsJsonObject().getString("state"));
    assertEquals(404, http.get("/api/tasks/hostile-1").statusCode());
    assertEquals(404, http.get("/api/resources/db").statusCode(), "no resource defined by a refused PUT");
  }

  @Test
  void aWrongKeyIs401AndAHealthCheckNeedsNone() throws Exception {
    assertRefused(401, as("not-a-key-at-all").get("/api/tasks"), "api-key");
    assertEquals(200, bare.get("/health").statusCode());
    HttpResponse<Buffer> bearer = await(raw.get("/api/tasks").putHeader("authorization", "Bearer " + READER).send());
    assertEquals(200, bearer.statusCode(), "Authorization: Bearer works as x-api-key does: " + bearer.bodyAsString());
  }

  @Test
  void metricsNeedTheReadRoleAndHealthNone() throws Exception {
    assertRefused(401, bare.get("/metrics"), "api-key");
    HttpResponse<Buffer> scrape = as(READER).get("/metrics");
    assertEquals(200, scrape.statusCode(), scrape.bodyAsString());
    assertTrue(scrape.getHeader("content-type").startsWith("text/plain"), scrape.getHeader("content-type"));
    assertTrue(scrape.bodyAsString().contains("tef_store_batch_size"), "a Prometheus scrape");
    assertEquals(200, bare.get("/health/live").statusCode());
    assertEquals(200, bare.get("/health/ready").statusCode());
  }

  @Test
  void aReaderReadsAndChangesNothing() throws Exception {
    Http reader = as(READER);
    assertEquals(200, reader.get("/api/tasks").statusCode());
    assertEquals(200, reader.get("/api/dispatcher/state").statusCode());
    HttpResponse<Buffer> submit = reader.post("/api/tasks", new JsonObject().put("task_type", "echo").put("guid", "by-reader"));
    assertRefused(403, submit, "api-key");
    assertTrue(submit.bodyAsJsonObject().getString("error").contains("'reader'") && submit.bodyAsJsonObject().getString("error").contains("needs submit"),
        submit.bodyAsString());
    assertEquals(404, http.get("/api/tasks/by-reader").statusCode());
    assertRefused(403, reader.put("/api/dispatcher/state", new JsonObject().put("state", "paused")), "api-key");
  }

  @Test
  void aSubmitterSubmitsAndCancelsButRunsNothingElse() throws Exception {
    Http submitter = as(SUBMITTER);
    assertEquals(201, submitter.post("/api/tasks", new JsonObject().put("task_type", "echo").put("guid", "by-submitter")
        .put("run_at", "2999-01-01T00:00:00Z")).statusCode());
    assertEquals(200, submitter.delete("/api/tasks/by-submitter").statusCode());
    assertEquals("cancelled", http.get("/api/tasks/by-submitter").bodyAsJsonObject().getString("state"));
    assertEquals(200, submitter.post("/api/suites/no-such-suite/pause", "").statusCode());
    submitter.post("/api/suites/no-such-suite/ready", "");
    assertRefused(403, submitter.put("/api/dispatcher/state", new JsonObject().put("state", "stopped")), "api-key");
    assertRefused(403, submitter.put("/api/resources/db", new JsonObject().put("limit", 0)), "api-key");
    assertRefused(403, submitter.delete("/api/workers/w1"), "api-key");
    assertEquals("running", http.get("/api/dispatcher/state").bodyAsJsonObject().getString("state"));
  }

  /** The admin key is configured by its SHA-256 only; admin holds read and submit, not worker. */
  @Test
  void anAdminKeyGivenAsAHashRunsTheNodeButIsNoWorker() throws Exception {
    Http admin = as(ADMIN);
    try {
      assertEquals(200, admin.put("/api/dispatcher/state", new JsonObject().put("state", "paused")).statusCode());
      assertEquals("paused", http.get("/api/dispatcher/state").bodyAsJsonObject().getString("state"));
    } finally {
      assertEquals(200, admin.put("/api/dispatcher/state", new JsonObject().put("state", "running")).statusCode());
    }
    assertEquals(201, admin.post("/api/tasks", new JsonObject().put("task_type", "echo").put("guid", "by-admin")).statusCode());
    assertEquals(200, admin.get("/api/tasks/by-admin").statusCode());
    HttpResponse<Buffer> door = await(raw.post("/worker/state").putHeader("x-api-key", ADMIN)
        .sendJsonObject(new JsonObject().put("id", "importer-1").put("event", "started")));
    assertRefused(403, door, "api-key");
  }

  /** A worker key speaks for the workers it names on wokmanager's door, and reads nothing of /api. */
  @Test
  void aWorkerKeyIsBoundToItsWorkerNames() throws Exception {
    HttpResponse<Buffer> own = bare.post("/worker/state?api-key=" + WORKER, new JsonObject().put("id", "importer-7").put("event", "started"));
    assertEquals(200, own.statusCode(), own.bodyAsString());
    HttpResponse<Buffer> other = bare.post("/worker/state?api-key=" + WORKER, new JsonObject().put("id", "billing-1").put("event", "started"));
    assertRefused(403, other, "id");
    assertEquals(404, http.get("/api/workers/billing-1").statusCode(), "nothing written for a name the key does not hold");
    assertRefused(403, as(WORKER).get("/api/tasks"), "api-key");
  }

  /** A page elsewhere posting text/plain (no preflight in a browser) is refused before any route, whatever its key. */
  @Test
  void aPageOfAnotherOriginCannotSubmit() throws Exception {
    HttpResponse<Buffer> r = await(raw.post("/api/tasks").putHeader("origin", "http://evil.example").putHeader("content-type", "text/plain")
        .putHeader("x-api-key", ALL).sendBuffer(Buffer.buffer("{\"task_type\": \"echo\", \"guid\": \"from-evil\"}")));
    assertRefused(403, r, "origin");
    assertNull(r.getHeader("access-control-allow-origin"));
    HttpResponse<Buffer> preflight = await(raw.request(HttpMethod.OPTIONS, "/api/tasks").putHeader("origin", "http://evil.example")
        .putHeader("access-control-request-method", "POST").send());
    assertEquals(403, preflight.statusCode());
    assertNull(preflight.getHeader("access-control-allow-origin"));
    assertEquals(404, http.get("/api/tasks/from-evil").statusCode());
  }

  @Test
  void theNodesOwnOriginAndAnAllowedOnePass() throws Exception {
    HttpResponse<Buffer> own = await(raw.post("/api/tasks").putHeader("origin", "http://127.0.0.1:" + node.httpPort())
        .putHeader("x-api-key", ALL).sendJsonObject(new JsonObject().put("task_type", "echo").put("guid", "from-own-page")));
    assertEquals(201, own.statusCode(), own.bodyAsString());
    HttpResponse<Buffer> preflight = await(raw.request(HttpMethod.OPTIONS, "/api/tasks").putHeader("origin", ALLOWED_ORIGIN)
        .putHeader("access-control-request-method", "POST").putHeader("access-control-request-headers", "content-type,x-api-key").send());
    assertTrue(preflight.statusCode() == 200 || preflight.statusCode() == 204, preflight.statusCode() + " " + preflight.bodyAsString());
    assertEquals(ALLOWED_ORIGIN, preflight.getHeader("access-control-allow-origin"));
    HttpResponse<Buffer> get = await(raw.get("/api/tasks/from-own-page").putHeader("origin", ALLOWED_ORIGIN).putHeader("x-api-key", READER).send());
    assertEquals(200, get.statusCode(), get.bodyAsString());
    assertEquals(ALLOWED_ORIGIN, get.getHeader("access-control-allow-origin"));
  }

  @ParameterizedTest
  @CsvSource({"text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"})
  void aChangeWithABodyThatIsNotJsonIs415(String type) throws Exception {
    HttpResponse<Buffer> r = await(raw.post("/api/tasks").putHeader("content-type", type).putHeader("x-api-key", ALL)
        .sendBuffer(Buffer.buffer("{\"task_type\": \"echo\", \"guid\": \"not-json-typed\"}")));
    assertRefused(415, r, "content-type");
    assertEquals(404, http.get("/api/tasks/not-json-typed").statusCode());
  }

  /** Past auth.max_failures_per_minute an address is answered 429, even with a right key, for the rest of the minute. */
  @Test
  void guessingKeysIsSlowedDown(@TempDir Path otherDir) throws Exception {
    TefNode limited = TestNodes.start(otherDir, Map.of("auth.api_keys", List.of(ALL), "auth.max_failures_per_minute", 3));
    try (Http guesser = new Http(limited.vertx(), limited.httpPort(), "guess-0000001"); Http right = new Http(limited.vertx(), limited.httpPort(), ALL)) {
      for (int i = 0; i < 3; i++) {
        assertRefused(401, guesser.get("/api/tasks"), "api-key");
      }
      HttpResponse<Buffer> blocked = guesser.get("/api/tasks");
      assertRefused(429, blocked, "api-key");
      assertTrue(Integer.parseInt(blocked.getHeader("retry-after")) > 0, blocked.headers().toString());
      assertEquals(429, right.get("/api/tasks").statusCode(), "a right key from the same address waits too");
      assertEquals(200, right.get("/health").statusCode(), "health checks are not keyed, so not blocked");
    } finally {
      limited.close();
    }
  }

  @Test
  void aGatewayBeyondLoopbackWithoutKeysDoesNotStart(@TempDir Path otherDir) throws Exception {
    ConfigException e = assertThrows(ConfigException.class, () -> TestNodes.config(otherDir, Map.of("http.host", "0.0.0.0")));
    assertTrue(e.getMessage().contains("auth.api_keys") && e.getMessage().contains("0.0.0.0") && e.getMessage().contains("auth.open"), e.getMessage());
    TefNode open = TestNodes.start(otherDir, Map.of("http.host", "0.0.0.0", "auth.open", true));
    try (Http anyone = new Http(open.vertx(), open.httpPort())) {
      assertEquals(200, anyone.get("/api/tasks").statusCode(), "open on purpose");
    } finally {
      open.close();
    }
    ConfigException both = assertThrows(ConfigException.class, () -> TestNodes.config(otherDir, Map.of("auth.open", true, "auth.api_keys", List.of(ALL))));
    assertTrue(both.getMessage().contains("auth.open"), both.getMessage());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "{name: a, key: short, roles: [read]}|auth.api_keys[0].key",
      "{name: a, key: long-enough-key, roles: [reader]}|auth.api_keys[0].roles",
      "{name: a, key: long-enough-key}|auth.api_keys[0].roles",
      "{name: a, sha256: abc, roles: [read]}|auth.api_keys[0].sha256",
      "{name: a, key: long-enough-key, sha256: abc, roles: [read]}|auth.api_keys[0]",
      "{name: a, key: long-enough-key, roles: [read], colour: red}|auth.api_keys[0].colour"})
  void aBadKeyEntryIsNamed(String entry, String field) {
    ConfigException e = assertThrows(ConfigException.class, () -> TestNodes.config(dataDir.resolve("bad"), Map.of("auth.api_keys", "[" + entry + "]")));
    assertTrue(e.getMessage().startsWith(field + " ") || e.getMessage().contains(field + " "), e.getMessage());
  }

  /** GET /api/access tells each key what it may do (the dashboard shows only that); a wrong key learns nothing. */
  @Test
  void eachKeyIsToldWhatItMayDo() throws Exception {
    JsonObject reader = new Http(node.vertx(), node.httpPort(), READER).get("/api/access").bodyAsJsonObject();
    assertEquals(new JsonObject().put("read", true).put("submit", false).put("admin", false), reader.getJsonObject("may"), reader.encode());
    assertEquals("reader", reader.getString("key"));
    assertEquals(true, reader.getBoolean("keys_required"));
    JsonObject submitter = new Http(node.vertx(), node.httpPort(), SUBMITTER).get("/api/access").bodyAsJsonObject();
    assertEquals(new JsonObject().put("read", true).put("submit", true).put("admin", false), submitter.getJsonObject("may"));
    JsonObject ops = new Http(node.vertx(), node.httpPort(), ADMIN).get("/api/access").bodyAsJsonObject();
    assertEquals(new JsonObject().put("read", true).put("submit", true).put("admin", true), ops.getJsonObject("may"));
    assertEquals(401, new Http(node.vertx(), node.httpPort(), "not-a-key-at-all").get("/api/access").statusCode());
    assertEquals(401, bare.get("/api/access").statusCode());
  }
}
