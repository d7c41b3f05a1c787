package io.tef.node;

import io.tef.core.NodeInfo;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static io.tef.node.TaskEngineClient.META;
import static io.tef.node.TaskEngineClient.task;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Task Engine's door, driven by a pyzmq client as the Task Engine's clients were written: the
 * seed's own messages, its whitelist, malformed frames, data requests, a wait that runs out, and
 * 64 DEALER clients at once.
 */
class ZmqDoorTest extends SharedNodeTest {

  @TempDir
  static Path dataDir;
  static String endpoint;

  @BeforeAll
  static void start() throws Exception {
    startNode(dataDir, Map.of("zmq.port", 0, "zmq.task_types", List.of("fail"), "zmq.wait_ms", 3000, "node.demo_workers", 2,
        "task_types", Map.of("nobody_serves", Map.of("rpc", true, "priority", 7, "time_limit", 90, "resources", List.of("zmq-gpu")), "not_callable", Map.of(), "fail", Map.of("max_attempts", 1))));
    endpoint = "tcp://127.0.0.1:" + node.vertx().sharedData().getLocalMap(NodeInfo.MAP).get(NodeInfo.ZMQ_PORT);
  }

  @Test
  void theSeedsOwnMessagesAreAnsweredAsItsWorkersAnswered() throws Exception {
    try (TaskEngineClient client = TaskEngineClient.connect(endpoint)) {
      List<String> ping = client.ask(META);
      assertEquals(1, ping.size(), "a ping is answered with META alone: " + ping);
      assertAck(new JsonObject(ping.get(0)));

      List<String> answer = client.ask(META, task("task_get_count", "[2, 3]"));
      assertEquals(2, answer.size(), "[META, DATA]: " + answer);
      JsonObject meta = new JsonObject(answer.get(0));
      JsonObject data = new JsonObject(answer.get(1));
      assertAck(meta);
      assertTrue(meta.getString("id").startsWith("demo-"), "the id is the worker that ran it: " + meta);
      assertEquals(Set.of("data", "pack"), data.fieldNames());
      assertEquals(5, data.getValue("data"));
      assertEquals(meta.getValue("pack"), data.getValue("pack"), "META and DATA share their pack");
      assertTrue(answer.get(0).matches(".*\"pack\":\\d{10}\\.\\d+}"), "pack is seconds as Python writes them: " + answer.get(0));

      assertEquals(2.5, client.data(task("task_get_average", "[2, 3]")));
      assertEquals(3.0, client.data(task("task_get_average", "[2, 4]")));
      assertEquals(1.5, client.data(task("task_get_count", "[1, 0.5]")));
    }
    // Each call was a durable TEF task of its type, with {args, kwargs} as task_data.
    JsonArray tasks = new JsonObject(http.get("/api/tasks?task_type=task_get_count&state=completed").bodyAsString()).getJsonArray("tasks");
    assertTrue(tasks.stream().map(JsonObject.class::cast).anyMatch(t -> t.getValue("result").equals(5)
        && new JsonObject().put("args", new JsonArray().add(2).add(3)).put("kwargs", new JsonObject()).equals(t.getValue("task_data"))), tasks.encode());
  }

  private static void assertAck(JsonObject meta) {
    assertEquals(Set.of("id", "role", "version", "type", "pack"), meta.fieldNames(), meta.encode());
    assertEquals("responder", meta.getString("role"));
    assertEquals("ACK", meta.getString("type"));
    assertEquals(0.1, meta.getValue("version"));
    assertTrue(meta.getValue("pack") instanceof Number, meta.encode());
  }

  @Test
  void onlyWhitelistedTasksRunAndTheSeedsMistakesAreRefused() throws Exception {
    try (TaskEngineClient client = TaskEngineClient.connect(endpoint)) {
      // The seed README's own example names a task its registry never had.
      assertEquals("ERROR: unknown task 'TASK_count'", client.data(task("TASK_count", "[2, 3]")));
      // Defined, run by every worker, but not rpc: not callable.
      assertEquals("ERROR: unknown task 'echo'", client.data(task("echo", "[1]")));
      assertEquals("ERROR: unknown task 'not_callable'", client.data(task("not_callable", "[1]")));
      // sim_client.py's typo ('ta' for 'task').
      String typo = (String) client.data("{\"ta\": \"task_get_count\", \"args\": [2, 3], \"kwargs\": {}, \"pack\": 1.0}");
      assertTrue(typo.startsWith("ERROR: Invalid request: ") && typo.contains("ta"), typo);
      // Listed in zmq.task_types: its failure is the answer.
      String failed = (String) client.data(task("fail", "[\"boom\"]"));
      assertTrue(failed.startsWith("ERROR: ") && failed.contains("boom"), "the task's failure: " + failed);
      String bad = (String) client.data(task("task_get_count", "[\"x\"]"));
      assertEquals("ERROR: task_get_count needs numbers, args[0] is x", bad);

      // A definition that says rpc: true makes a type callable at once, and taking it back closes it again.
      assertEquals(201, http.put("/api/task-types/sleep", new JsonObject().put("rpc", true)).statusCode());
      String sleep = (String) client.data(task("sleep", "[10]"));
      assertTrue(sleep.startsWith("ERROR: sleep needs task_data"), "run by a worker now: " + sleep);
      assertEquals(200, http.put("/api/task-types/sleep", new JsonObject().put("rpc", false)).statusCode());
      assertEquals("ERROR: unknown task 'sleep'", client.data(task("sleep", "[10]")));
    }
  }

  @Test
  void malformedFramesAreAnsweredNamingTheFaultAndTheLoopGoesOn() throws Exception {
    Map<List<String>, String> cases = new java.util.LinkedHashMap<>();
    cases.put(List.of("not json"), "META (frame 1) is not JSON");
    cases.put(List.of("[1, 2]"), "META (frame 1) must be a JSON object");
    cases.put(List.of("{\"id\": \"C\", \"role\": \"r\", \"version\": 0.1, \"type\": \"REQ\"}"), "META lacks pack");
    cases.put(List.of(META.replace("}", ", \"extra\": 1}")), "META has unknown extra");
    cases.put(List.of(META, "{\"task\": \"task_get_count\", \"args\": [1]}"), "TASK lacks kwargs, pack");
    cases.put(List.of(META, "{\"task\": \"task_get_count\", \"args\": 5, \"kwargs\": {}, \"pack\": 1}"), "TASK.args must be a list, got 5");
    cases.put(List.of(META, "{\"task\": \"task_get_count\", \"args\": [], \"kwargs\": [], \"pack\": 1}"), "TASK.kwargs must be an object");
    cases.put(List.of(META, "{\"task\": 7, \"args\": [], \"kwargs\": {}, \"pack\": 1}"), "TASK.task must be the name of a task");
    cases.put(List.of(META, "{\"data\": 5, \"pack\": 1}"), "DATA.data must be {\"guid\": \"<task guid>\"}");
    cases.put(List.of(META, "{\"pack\": 1}"), "frame 2 is neither TASK");
    cases.put(List.of(META, task("task_get_count", "[1]"), "{}"), "3 frames; a request is [META], [META, TASK] or [META, DATA]");
    cases.put(List.of(META, "{\"task\": \"a\", \"task\": \"b\", \"args\": [], \"kwargs\": {}, \"pack\": 1}"), "Duplicate field 'task'");
    cases.put(List.of("{\"id\": " + "[".repeat(200) + "]".repeat(200) + "}"), "META (frame 1) is not JSON");
    try (TaskEngineClient client = TaskEngineClient.connect(endpoint)) {
      for (Map.Entry<List<String>, String> c : cases.entrySet()) {
        List<String> answer = client.ask(c.getKey().toArray(String[]::new));
        assertEquals(2, answer.size(), c.getKey() + " -> " + answer);
        String data = new JsonObject(answer.get(1)).getString("data");
        assertTrue(data.startsWith("ERROR: Invalid request: ") && data.contains(c.getValue()), c.getKey() + " -> " + data);
      }
      assertEquals(7, client.data(task("task_get_count", "[3, 4]")), "the door still answers");
    }
    // A DEALER client; then bytes that are not UTF-8, and a request of no frame at all.
    try (TaskEngineClient dealer = TaskEngineClient.connect(endpoint, "--dealer")) {
      assertEquals(9, dealer.data(task("task_get_count", "[4, 5]")));
    }
    ProcessBuilder pb = new ProcessBuilder(TaskEngineClient.PYTHON, "-c", String.join("\n",
        "import zmq, json", "s = zmq.Context().socket(zmq.REQ)", "s.setsockopt(zmq.RCVTIMEO, 20000)", "s.connect('" + endpoint + "')",
        "s.send_multipart([b'\\xff\\xfe{', b'\\x00'])", "print(json.loads(s.recv_multipart()[1])['data'])",
        "s.send_multipart([b''])", "print(json.loads(s.recv_multipart()[1])['data'])")).redirectErrorStream(true);
    Process p = pb.start();
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.exitValue(), out);
    assertTrue(out.contains("ERROR: Invalid request: META (frame 1) is not JSON"), out);
    assertTrue(out.contains("ERROR: Invalid request: META (frame 1) is empty"), out);
  }

  @Test
  void aCallThatOutwaitsItsWaitNamesItsTaskAndADataRequestReadsIt() throws Exception {
    try (TaskEngineClient client = TaskEngineClient.connect(endpoint)) {
      String late = (String) client.data(task("nobody_serves", "[1]"));
      assertTrue(late.startsWith("ERROR: task zmq-") && late.contains("did not end within 3000 ms"), late);
      String guid = late.substring("ERROR: task ".length(), late.indexOf(' ', "ERROR: task ".length()));
      JsonObject state = (JsonObject) client.data("{\"data\": {\"guid\": \"" + guid + "\"}, \"pack\": 1}");
      assertEquals(guid, state.getString("guid"));
      assertEquals("nobody_serves", state.getString("task"));
      assertEquals("queued", state.getString("state"), "it goes on in TEF: " + state);
      // Priority, time limit and resources come from the task type's definition.
      JsonObject stored = new JsonObject(http.get("/api/tasks/" + guid).bodyAsString());
      assertEquals(7, stored.getInteger("priority"), stored.encode());
      assertEquals(90, stored.getInteger("time_limit"), stored.encode());
      assertEquals("zmq-gpu", stored.getString("resources"), stored.encode());
      assertEquals(200, http.delete("/api/tasks/" + guid).statusCode());

      // A finished call, read back by its guid; a task of a type the door may not call looks absent.
      assertEquals(1, client.data(task("task_get_count", "[1]")));
      JsonObject done = new JsonObject(http.get("/api/tasks?task_type=task_get_count&state=completed&limit=1").bodyAsString())
          .getJsonArray("tasks").getJsonObject(0);
      JsonObject read = (JsonObject) client.data("{\"data\": {\"guid\": \"" + done.getString("guid") + "\"}, \"pack\": 1}");
      assertEquals("completed", read.getString("state"));
      assertEquals(done.getValue("result"), read.getValue("result"));
      assertEquals(201, http.post("/api/tasks", new JsonObject().put("guid", "rest-echo-1").put("task_type", "echo")).statusCode());
      assertEquals("ERROR: no task with guid 'rest-echo-1'", client.data("{\"data\": {\"guid\": \"rest-echo-1\"}, \"pack\": 1}"));
      assertEquals("ERROR: no task with guid 'nope'", client.data("{\"data\": {\"guid\": \"nope\"}, \"pack\": 1}"));
    }
  }

  @Test
  void sixtyFourDealersAtOnceEachGetTheirOwnAnswers() throws Exception {
    Process p = TaskEngineClient.python(endpoint, "--concurrent", "64", "20");
    assertTrue(p.waitFor(150, TimeUnit.SECONDS), "the clients end");
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    assertEquals(0, p.exitValue(), out);
    JsonObject result = new JsonObject(out.substring(out.lastIndexOf('\n') + 1));
    assertEquals(64 * 20, result.getInteger("ok"), out);
    assertEquals(0, result.getInteger("missing"), out);
  }
}
