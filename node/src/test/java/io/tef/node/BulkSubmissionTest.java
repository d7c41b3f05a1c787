package io.tef.node;

import io.tef.protocol.Addresses;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static io.tef.node.TestNodes.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Many envelopes in one request, by REST and event bus: each item stored and answered on its own. */
class BulkSubmissionTest extends SharedNodeTest {

  @TempDir
  static Path dataDir;

  @BeforeAll
  static void start() throws Exception {
    startNode(dataDir, Map.of("node.demo_workers", 1));
  }

  private static JsonObject echo(String guid) {
    return new JsonObject().put("task_type", "echo").put("guid", guid).put("task_data", new JsonObject().put("g", guid));
  }

  /** A bad item is named in the answer and refuses nothing else; a guid already stored is 200, as alone. */
  @Test
  void restArrayAnswersEachItem() throws Exception {
    JsonArray body = new JsonArray()
        .add(echo("bulk-a"))
        .add(echo("bulk-b"))
        .add(new JsonObject().put("task_data", 1))
        .add("not an envelope")
        .add(echo("bulk-a"))
        .add(new JsonObject().put("task_type", "echo").put("priority", "high"));
    HttpResponse<Buffer> r = http.post("/api/tasks", body.encode());
    assertEquals(200, r.statusCode(), r.bodyAsString());
    JsonObject answer = r.bodyAsJsonObject();
    assertEquals(3, answer.getInteger("accepted"), answer.encode());
    assertEquals(2, answer.getInteger("created"), answer.encode());
    assertEquals(3, answer.getInteger("refused"), answer.encode());
    JsonArray results = answer.getJsonArray("results");
    assertEquals(6, results.size());
    for (int i = 0; i < 6; i++) {
      assertEquals(i, results.getJsonObject(i).getInteger("index"));
    }
    assertEquals(201, results.getJsonObject(0).getInteger("status"));
    assertEquals("bulk-a", results.getJsonObject(0).getString("guid"));
    assertEquals(201, results.getJsonObject(1).getInteger("status"));
    assertEquals(400, results.getJsonObject(2).getInteger("status"));
    assertEquals("task_type", results.getJsonObject(2).getJsonObject("error").getString("field"), results.encode());
    assertEquals(400, results.getJsonObject(3).getInteger("status"));
    assertTrue(results.getJsonObject(3).getJsonObject("error").getString("error").contains("JSON object"), results.encode());
    assertEquals(200, results.getJsonObject(4).getInteger("status"), "the same guid again in one array is a duplicate: " + results.encode());
    assertEquals("bulk-a", results.getJsonObject(4).getString("guid"));
    assertEquals(400, results.getJsonObject(5).getInteger("status"));
    assertEquals("priority", results.getJsonObject(5).getJsonObject("error").getString("field"), results.encode());

    assertEquals("completed", events.await("bulk-a").getString("state"));
    assertEquals("completed", events.await("bulk-b").getString("state"));
    assertEquals(new JsonObject().put("g", "bulk-b"), http.get("/api/tasks/bulk-b").bodyAsJsonObject().getJsonObject("result"));
  }

  /** Two thousand in one request: every one stored before the answer, every one runs. */
  @Test
  void aLargeArrayIsStoredWholeAndRuns() throws Exception {
    JsonArray body = new JsonArray();
    for (int i = 0; i < 2000; i++) {
      body.add(echo("many-" + i));
    }
    JsonObject answer = http.post("/api/tasks", body.encode()).bodyAsJsonObject();
    assertEquals(2000, answer.getInteger("accepted"), answer.encode());
    assertEquals(0, answer.getInteger("refused"));
    for (int i = 0; i < 2000; i++) {
      assertEquals(201, answer.getJsonArray("results").getJsonObject(i).getInteger("status"));
    }
    for (int i = 0; i < 2000; i++) {
      assertEquals("completed", events.await("many-" + i).getString("state"));
    }
  }

  @Test
  void eventBusArrayAnswersEachItem() throws Exception {
    JsonArray body = new JsonArray().add(echo("bulk-eb-1")).add(new JsonObject().put("task_type", ""));
    JsonObject answer = await(node.vertx().eventBus().<JsonObject>request(Addresses.TASKS_SUBMIT, body)).body();
    assertEquals(1, answer.getInteger("accepted"), answer.encode());
    assertEquals(1, answer.getInteger("refused"));
    assertEquals(201, answer.getJsonArray("results").getJsonObject(0).getInteger("status"));
    assertEquals("task_type", answer.getJsonArray("results").getJsonObject(1).getJsonObject("error").getString("field"), answer.encode());
    assertEquals("completed", events.await("bulk-eb-1").getString("state"));
  }

  @Test
  void anEmptyOrOversizedArrayIsRefusedWhole() throws Exception {
    HttpResponse<Buffer> empty = http.post("/api/tasks", "[]");
    assertEquals(400, empty.statusCode(), empty.bodyAsString());
    assertTrue(empty.bodyAsJsonObject().getString("error").contains("empty"), empty.bodyAsString());

    JsonArray tooMany = new JsonArray();
    for (int i = 0; i < 10_001; i++) {
      tooMany.add(new JsonObject().put("task_type", "echo"));
    }
    HttpResponse<Buffer> big = http.post("/api/tasks", tooMany.encode());
    assertEquals(413, big.statusCode(), big.bodyAsString());
    assertTrue(big.bodyAsJsonObject().getString("error").contains("10000"), big.bodyAsString());
  }
}
