package io.tef.node;

import io.tef.protocol.Addresses;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ExecutionException;

import static io.tef.node.TestNodes.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bad input at the REST and event-bus doors: a clear error naming the field, nothing stored, the node serving on. */
class BadInputTest extends SharedNodeTest {

  @TempDir
  static Path dataDir;

  @BeforeAll
  static void start() throws Exception {
    startNode(dataDir, Map.of("http.body_limit", 4096));
  }


  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "missing task_type     | {\"guid\": \"x1\"}                                       | task_type",
      "priority as a word    | {\"task_type\": \"echo\", \"priority\": \"high\"}       | priority",
      "negative time_limit   | {\"task_type\": \"echo\", \"time_limit\": -1}           | time_limit",
      "resources as a number | {\"task_type\": \"echo\", \"resources\": 5}             | resources",
      "resources as object   | {\"task_type\": \"echo\", \"resources\": {\"a\": 1}}    | resources",
      "task_type as a number | {\"task_type\": 12}                                     | task_type",
      "a misspelt field      | {\"task_type\": \"echo\", \"prority\": 2}               | prority",
  })
  void wrongFieldsAreNamed(String name, String body, String field) throws Exception {
    HttpResponse<Buffer> r = http.post("/api/tasks", body);
    assertEquals(400, r.statusCode(), r.bodyAsString());
    assertEquals("application/json", r.getHeader("content-type"));
    JsonObject error = r.bodyAsJsonObject();
    assertEquals(field, error.getString("field"));
    assertTrue(error.getString("error").length() > 3);
    assertNothingStored();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "malformed JSON | {\"task_type\": \"echo\",",
      "a JSON string  | \"echo\"",
  })
  void bodiesThatAreNotAnObjectAreRefused(String name, String body) throws Exception {
    HttpResponse<Buffer> r = http.post("/api/tasks", body);
    assertEquals(400, r.statusCode(), r.bodyAsString());
    assertNull(r.bodyAsJsonObject().getString("field"));
    assertNothingStored();
  }

  /** An array is a bulk submission: items that are not envelopes are each refused, nothing is stored. */
  @Test
  void anArrayOfNonEnvelopesIsRefusedItemByItem() throws Exception {
    HttpResponse<Buffer> r = http.post("/api/tasks", "[1, 2]");
    assertEquals(200, r.statusCode(), r.bodyAsString());
    JsonObject answer = r.bodyAsJsonObject();
    assertEquals(0, answer.getInteger("accepted"), answer.encode());
    assertEquals(2, answer.getInteger("refused"), answer.encode());
    assertEquals("[1]", answer.getJsonArray("results").getJsonObject(1).getJsonObject("error").getString("field"));
    assertNothingStored();
  }

  /** The TEF Manager README's example envelope: the same error as on the AMQP door, with where the parser stopped. */
  @Test
  void theReadmeEnvelopeIsMalformedJsonAndTheErrorSaysWhere() throws Exception {
    HttpResponse<Buffer> r = http.post("/api/tasks", OriginalTef.README_ENVELOPE);
    assertEquals(400, r.statusCode(), r.bodyAsString());
    String error = r.bodyAsJsonObject().getString("error");
    assertTrue(error.startsWith("malformed JSON: Unrecognized token 'number_of_seconds'"), error);
    assertTrue(error.endsWith(OriginalTef.README_ENVELOPE_AT), error);
    assertNothingStored();
  }

  @Test
  void anEmptyBodyIsRefused() throws Exception {
    HttpResponse<Buffer> r = http.post("/api/tasks", "");
    assertEquals(400, r.statusCode());
    assertTrue(r.bodyAsJsonObject().getString("error").contains("empty"));
    assertNothingStored();
  }

  @Test
  void aBodyOverTheLimitGets413() throws Exception {
    String big = new JsonObject().put("task_type", "echo").put("task_data", "x".repeat(5000)).encode();
    HttpResponse<Buffer> r = http.post("/api/tasks", big);
    assertEquals(413, r.statusCode());
    assertTrue(r.bodyAsJsonObject().getString("error").contains("too large"));
    assertNothingStored();
    assertEquals(201, http.post("/api/tasks", new JsonObject().put("task_type", "after-413")).statusCode(), "the node serves on");
  }

  @Test
  void unknownRoutesAnswerInJson() throws Exception {
    HttpResponse<Buffer> r = http.get("/api/nothing-here");
    assertEquals(404, r.statusCode());
    assertTrue(r.bodyAsJsonObject().getString("error").contains("/api/nothing-here"));
  }

  @Test
  void theEventBusDoorUsesTheSameValidation() {
    var bus = node.vertx().eventBus();
    ExecutionException e = assertThrows(ExecutionException.class,
        () -> await(bus.request(Addresses.TASKS_SUBMIT, new JsonObject().put("task_type", "echo").put("priority", "high"))));
    ReplyException reply = assertInstanceOf(ReplyException.class, e.getCause());
    assertEquals(400, reply.failureCode());
    assertEquals("priority", new JsonObject(reply.getMessage()).getString("field"));

    ExecutionException notJson = assertThrows(ExecutionException.class, () -> await(bus.request(Addresses.TASKS_SUBMIT, "just text")));
    assertEquals(400, assertInstanceOf(ReplyException.class, notJson.getCause()).failureCode());

    ExecutionException badReport = assertThrows(ExecutionException.class,
        () -> await(bus.request(Addresses.TASKS_REPORT, new JsonObject().put("guid", "g").put("event", "exploded"))));
    assertEquals(400, assertInstanceOf(ReplyException.class, badReport.getCause()).failureCode());
  }

  private static void assertNothingStored() throws Exception {
    JsonObject list = http.get("/api/tasks?task_type=echo").bodyAsJsonObject();
    assertEquals(0, list.getInteger("count"), list.encode());
  }
}
