package io.tef.node;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The REST door's rules: only the query parameters and body fields a route takes, only its methods, every error in JSON. */
class RestRulesTest extends SharedNodeTest {

  private static final String KEY = "rest-rules-key-1";

  @TempDir
  static Path dataDir;

  @BeforeAll
  static void start() throws Exception {
    startNode(dataDir, Map.of("auth.api_keys", List.of(KEY), "tasker.task_types", List.of("deploy")));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "a misspelt filter          | /api/tasks?stat=working         | stat    | state, task_type, suite_guid, worker, guid_contains, before, limit",
      "a filter in another case   | /api/tasks?STATE=queued         | STATE   | state, task_type, suite_guid, worker, guid_contains, before, limit",
      "a worker filter            | /api/workers?grup=a             | grup    | id, group, task_type, status",
      "a route that takes none    | /api/tasks/some-guid?verbose=1  | verbose | takes none",
      "health takes none          | /health?full=true               | full    | takes none",
      "the worker door            | /worker/state?id=*&api-key=" + KEY + "&all=1 | all | id, api-key",
  })
  void unknownQueryParametersAreRefusedNamingTheAcceptedOnes(String name, String path, String field, String accepted) throws Exception {
    JsonObject error = assertError(http.get(path), 400, field);
    assertTrue(error.getString("error").contains(accepted), error.encode());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "a state twice   | /api/tasks?state=queued&state=working | state",
      "a limit twice   | /api/tasks?limit=5&limit=6            | limit",
      "an id twice     | /api/workers?id=a&id=b                | id",
  })
  void aRepeatedParameterIsRefused(String name, String path, String field) throws Exception {
    JsonObject error = assertError(http.get(path), 400, field);
    assertTrue(error.getString("error").contains("2 times"), error.encode());
  }

  @ParameterizedTest(name = "{1}")
  @CsvSource(delimiter = '|', value = {
      "state | state=sleeping",
      "limit | limit=0",
      "limit | limit=1001",
      "limit | limit=-3",
      "limit | limit=2.5",
      "limit | limit=lots",
  })
  void parameterValuesAreChecked(String field, String query) throws Exception {
    assertError(http.get("/api/tasks?" + query), 400, field);
    assertEquals(200, http.get("/api/tasks?limit=1000&state=queued").statusCode());
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource(delimiter = '|', value = {
      "PATCH  | /health               | GET, HEAD, OPTIONS",
      "TRACE  | /health               | GET, HEAD, OPTIONS",
      "FOO    | /health               | GET, HEAD, OPTIONS",
      "POST   | /health               | GET, HEAD, OPTIONS",
      "PATCH  | /api/tasks            | GET, HEAD, OPTIONS, POST",
      "TRACE  | /api/tasks/g1         | DELETE, GET, HEAD, OPTIONS, PATCH",
      "DELETE | /api/dispatcher/state | GET, HEAD, OPTIONS, PUT",
      "GET    | /api/suites/s1/pause  | OPTIONS, POST",
  })
  void aMethodARouteDoesNotTakeIs405NamingTheOnesItTakes(String method, String path, String allowed) throws Exception {
    HttpResponse<Buffer> r = http.send(HttpMethod.valueOf(method), path, null, null);
    assertError(r, 405, null);
    assertEquals(allowed, r.getHeader("allow"));
    assertTrue(r.bodyAsJsonObject().getString("error").contains(allowed), r.bodyAsString());
  }

  @Test
  void headAnswersAsGetWithoutABodyAndOptionsListsTheMethods() throws Exception {
    HttpResponse<Buffer> health = http.send(HttpMethod.HEAD, "/health", null, null);
    assertEquals(200, health.statusCode());
    assertNoBody(health);
    HttpResponse<Buffer> list = http.send(HttpMethod.HEAD, "/api/tasks?limit=1", null, null);
    assertEquals(200, list.statusCode());
    assertEquals("application/json", list.getHeader("content-type"));
    assertNoBody(list);
    assertEquals(404, http.send(HttpMethod.HEAD, "/api/tasks/no-such-guid", null, null).statusCode());

    HttpResponse<Buffer> options = http.send(HttpMethod.OPTIONS, "/api/tasks", null, null);
    assertEquals(204, options.statusCode());
    assertEquals("GET, HEAD, OPTIONS, POST", options.getHeader("allow"));
    assertEquals("DELETE, GET, HEAD, OPTIONS, PUT", http.send(HttpMethod.OPTIONS, "/api/task-types/echo", null, null).getHeader("allow"));
    assertEquals("GET, HEAD, OPTIONS, POST", http.send(HttpMethod.OPTIONS, "/worker/state", "x-api-key", KEY).getHeader("allow"));
    assertError(http.send(HttpMethod.OPTIONS, "/nothing-here", null, null), 404, null);
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource(delimiter = '|', value = {
      "PUT  | /api/dispatcher/state          | {\"state\": \"paused\", \"extra\": 1}                      | extra",
      "PUT  | /api/task-types/strict         | {\"max_atempts\": 2}                                        | max_atempts",
      "PUT  | /api/resources/strict          | {\"limit\": 1, \"windws\": []}                              | windws",
      "POST | /deploy                        | {\"identifier\": \"d1\", \"endpionts\": [\"lb-1\"]}         | endpionts",
      "POST | /worker/state?api-key=" + KEY + " | {\"id\": \"Strict01\", \"event\": \"started\", \"grup\": \"a\"} | grup",
      "GET  | /worker/state?api-key=" + KEY + " | {\"id\": \"*\", \"all\": true}                           | all",
  })
  void unknownBodyFieldsAreRefusedNamingThem(String method, String path, String body, String field) throws Exception {
    assertError(http.send(HttpMethod.valueOf(method), path, body), 400, field);
    assertEquals("running", http.get("/api/dispatcher/state").bodyAsJsonObject().getString("state"), "a refused body changes nothing");
  }

  @Test
  void aBodyThatIsNotUtf8IsRefusedInJson() throws Exception {
    Buffer latin1 = Buffer.buffer("{\"state\": \"pa".getBytes(StandardCharsets.UTF_8)).appendByte((byte) 0xE9)
        .appendBytes("\"}".getBytes(StandardCharsets.UTF_8));
    assertError(http.put("/api/dispatcher/state", latin1), 400, null);
    assertError(http.put("/api/task-types/latin1", latin1), 400, null);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "a bad escape in the path       | GET /api/tasks/%zz HTTP/1.1~Host: h",
      "a bad escape in the query      | GET /api/tasks?state=% HTTP/1.1~Host: h",
      "a bad escape on health         | GET /health?x=%zz HTTP/1.1~Host: h",
      "an invalid method token        | G(T /api/tasks HTTP/1.1~Host: h",
      "a header line without a colon  | GET /api/tasks HTTP/1.1~Host: h~no colon here",
      "a content-length not a number  | POST /api/tasks HTTP/1.1~Host: h~Content-Length: many",
      "no Host header                 | GET /api/tasks HTTP/1.1~X-Other: 1",
  })
  void malformedRequestsAreAnsweredInJson(String name, String lines) throws Exception {
    assertRawJsonError(raw(lines.replace("~", "\r\n") + "\r\nConnection: close\r\n\r\n"), 400);
  }

  @Test
  void aUriOverTheLineLimitIs414InJson() throws Exception {
    assertRawJsonError(raw("GET /api/tasks/" + "a".repeat(5000) + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"), 414);
    assertEquals(200, http.get("/health").statusCode(), "the node serves on");
  }

  @Test
  void headersOverTheLimitAre431InJson() throws Exception {
    assertRawJsonError(raw("GET /api/tasks HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + "b".repeat(10_000) + "\r\nConnection: close\r\n\r\n"), 431);
    assertEquals(200, http.get("/health").statusCode(), "the node serves on");
  }

  private static void assertNoBody(HttpResponse<Buffer> r) {
    assertTrue(r.body() == null || r.body().length() == 0, r.bodyAsString());
  }

  private static JsonObject assertError(HttpResponse<Buffer> r, int status, String field) {
    assertEquals(status, r.statusCode(), r.bodyAsString());
    assertEquals("application/json", r.getHeader("content-type"));
    JsonObject error = r.bodyAsJsonObject();
    assertTrue(error.containsKey("field"), error.encode());
    assertEquals(field, error.getString("field"), error.encode());
    assertTrue(error.getString("error").length() > 3, error.encode());
    return error;
  }

  /** Raw bytes, for requests no HTTP client would send; the server closes after its answer. */
  /** A form body makes the body handler read the query string, outside the routes' failure handling: still a JSON 400. */
  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "a form body    | /api/tasks?a=%",
      "doubled slashes | //api//tasks?a=%",
  })
  void aBadEscapeInTheQueryOfAFormPostIsAnsweredInJson(String name, String target) throws Exception {
    String response = raw("POST " + target + " HTTP/1.1\r\nHost: h\r\nContent-Type: application/x-www-form-urlencoded\r\n"
        + "Content-Length: 2\r\nConnection: close\r\n\r\n[]");
    assertRawJsonError(response, 400);
    assertTrue(response.contains("query string cannot be decoded"), response);
  }

  /** The worker door reads a body for POST and GET only: an OPTIONS (which needs no key) with a form body is answered, not a 500. */
  @Test
  void anOptionsWithAFormBodyOnTheWorkerDoorIsAnswered() throws Exception {
    String response = raw("OPTIONS /worker/state HTTP/1.1\r\nHost: h\r\nContent-Type: application/x-www-form-urlencoded\r\n"
        + "Content-Length: 3\r\nConnection: close\r\n\r\na=1");
    assertTrue(response.startsWith("HTTP/1.1 204"), response);
    assertTrue(response.toLowerCase(java.util.Locale.ROOT).contains("allow: get, head, options, post"), response);
  }

  private static String raw(String request) throws Exception {
    try (Socket socket = new Socket("127.0.0.1", node.httpPort())) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(request.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
    }
  }

  private static void assertRawJsonError(String response, int status) {
    assertTrue(response.matches("(?s)HTTP/1\\.[01] " + status + " .*"), response);
    int split = response.indexOf("\r\n\r\n");
    String head = response.substring(0, split).toLowerCase();
    assertTrue(head.contains("content-type: application/json"), response);
    JsonObject body = new JsonObject(response.substring(split + 4));
    assertTrue(body.getString("error").length() > 3 && body.containsKey("field"), response);
  }
}
