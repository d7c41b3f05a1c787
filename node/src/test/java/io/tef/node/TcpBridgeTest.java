package io.tef.node;

import io.tef.core.NodeInfo;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The TCP event-bus bridge, driven by a client in another language written from the protocol
 * alone (Python's standard library: {@code src/test/python/tef_bridge.py}), as a submitting
 * client and as a worker; and frame by frame from a raw socket for what it refuses.
 */
class TcpBridgeTest extends SharedNodeTest {

  static final String ADMIN = "bridge-admin-key-1";
  static final String CLIENT = "bridge-client-key-1";
  static final String READER = "bridge-reader-key-1";
  static final String WORKER = "bridge-worker-key-1";

  @TempDir
  static Path dataDir;
  static int port;

  @BeforeAll
  static void start() throws Exception {
    startNode(dataDir, Map.of("eventbus.tcp_bridge.port", 0, "auth.max_failures_per_minute", 1000, "node.demo_workers", 1,
        "auth.api_keys", List.of(ADMIN,
            Map.of("name", "client", "key", CLIENT, "roles", List.of("submit", "read")),
            Map.of("name", "reader", "key", READER, "roles", List.of("read")),
            Map.of("name", "py-workers", "key", WORKER, "roles", List.of("worker"), "workers", List.of("py-*")))));
    port = (Integer) node.vertx().sharedData().getLocalMap(NodeInfo.MAP).get(NodeInfo.TCP_BRIDGE_PORT);
  }

  private static Process python(String... args) throws Exception {
    Path script = Path.of("src/test/python/tef_bridge.py").toAbsolutePath();
    String[] command = new String[args.length + 2];
    command[0] = "python3";
    command[1] = script.toString();
    System.arraycopy(args, 0, command, 2, args.length);
    return new ProcessBuilder(command).redirectErrorStream(true).start();
  }

  private static String finish(Process p) throws Exception {
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the Python client ends");
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.exitValue(), out);
    return out;
  }

  @Test
  void aPythonClientSubmitsATaskAndHearsItComplete() throws Exception {
    String out = finish(python("submit", "127.0.0.1", String.valueOf(port), CLIENT, "py-submitted-1"));
    assertTrue(out.contains("submitted py-submitted-1 created"), out);
    String event = out.lines().filter(l -> l.startsWith("event ")).findFirst().orElseThrow(() -> new AssertionError(out));
    JsonObject task = new JsonObject(event.substring("event ".length()));
    assertEquals("completed", task.getString("state"), out);
    assertEquals(new JsonObject().put("from", "python"), task.getValue("result"), "echo's result: " + out);
    assertEquals("completed", http.get("/api/tasks/py-submitted-1").bodyAsJsonObject().getString("state"));
  }

  @Test
  void aPythonWorkerRegistersRunsATaskAndReportsIt() throws Exception {
    Process worker = python("worker", "127.0.0.1", String.valueOf(port), WORKER, "py-worker-1", "py_job");
    BufferedReader lines = new BufferedReader(new InputStreamReader(worker.getInputStream(), StandardCharsets.UTF_8));
    CompletableFuture<String> registered = CompletableFuture.supplyAsync(() -> {
      try {
        String line;
        StringBuilder seen = new StringBuilder();
        while ((line = lines.readLine()) != null) {
          seen.append(line).append('\n');
          if (line.startsWith("registered")) {
            return seen.toString();
          }
        }
        return seen.toString();
      } catch (java.io.IOException e) {
        return e.toString();
      }
    });
    String first = registered.get(30, TimeUnit.SECONDS);
    assertTrue(first.contains("registered py-worker-1"), first);
    assertEquals(201, http.post("/api/tasks", new JsonObject().put("task_type", "py_job").put("guid", "py-job-1")
        .put("task_data", new JsonObject().put("n", 7))).statusCode());
    JsonObject done = events.await("py-job-1");
    assertEquals("completed", done.getString("state"), done.encode());
    assertEquals("py-worker-1", done.getString("worker"));
    assertEquals(new JsonObject().put("by", "python").put("echo", new JsonObject().put("n", 7)), done.getJsonObject("result"));
    assertTrue(worker.waitFor(30, TimeUnit.SECONDS));
    assertEquals(0, worker.exitValue());
  }

  /** A raw client of the protocol, for frames no library would send. */
  private static final class RawClient implements AutoCloseable {
    final Socket socket;
    final DataInputStream in;
    final DataOutputStream out;

    RawClient() throws Exception {
      socket = new Socket("127.0.0.1", port);
      socket.setSoTimeout(15_000);
      in = new DataInputStream(socket.getInputStream());
      out = new DataOutputStream(socket.getOutputStream());
    }

    void write(String json) throws Exception {
      byte[] b = json.getBytes(StandardCharsets.UTF_8);
      out.writeInt(b.length);
      out.write(b);
      out.flush();
    }

    void write(JsonObject frame) throws Exception {
      write(frame.encode());
    }

    JsonObject read() throws Exception {
      byte[] b = new byte[in.readInt()];
      in.readFully(b);
      return new JsonObject(new String(b, StandardCharsets.UTF_8));
    }

    /** Sends a request with a key and returns the frame that answers it. */
    JsonObject request(String address, Object body, String key) throws Exception {
      JsonObject frame = new JsonObject().put("type", "send").put("address", address).put("body", body).put("replyAddress", "r-" + System.nanoTime());
      if (key != null) {
        frame.put("headers", new JsonObject().put("api-key", key));
      }
      write(frame);
      JsonObject answer = read();
      assertEquals(frame.getString("replyAddress"), answer.getString("address"), answer.encode());
      return answer;
    }

    void assertAlive() throws Exception {
      write(new JsonObject().put("type", "ping"));
      assertEquals("pong", read().getString("type"));
    }

    @Override
    public void close() throws Exception {
      socket.close();
    }
  }

  private static void assertFailed(int code, String inMessage, JsonObject answer) {
    assertEquals("err", answer.getString("type"), answer.encode());
    assertEquals(code, answer.getInteger("failureCode"), answer.encode());
    assertTrue(answer.getString("message").contains(inMessage), answer.encode());
  }

  @Test
  void eachKeyReachesWhatItsRoleAllowsAndNothingElse() throws Exception {
    JsonObject envelope = new JsonObject().put("task_type", "echo").put("guid", "bridge-refused-1");
    try (RawClient c = new RawClient()) {
      assertFailed(401, "api-key", c.request("tef.tasks.submit", envelope, null));
      assertFailed(401, "not accepted", c.request("tef.tasks.submit", envelope, "wrong-key-0000"));
      assertFailed(403, "needs submit", c.request("tef.tasks.submit", envelope, READER));
      assertFailed(403, "needs submit", c.request("tef.tasks.submit", envelope, WORKER));
      assertFailed(403, "needs admin", c.request("tef.dispatcher.control", new JsonObject().put("type", "set_state").put("data", "stopped"), CLIENT));
      assertFailed(403, "needs worker", c.request("tef.tasks.report", new JsonObject().put("guid", "x").put("attempt", 1).put("worker", "w")
          .put("event", "completed"), CLIENT));
      assertFailed(403, "cannot be reached through the bridge", c.request("tef.registry.task_types", new JsonObject(), ADMIN));
      assertFailed(403, "may not speak for worker 'billing-1'", c.request("tef.registry.register",
          new JsonObject().put("name", "billing-1").put("instance", "i").put("task_types", List.of("echo")), WORKER));
      assertEquals(404, http.get("/api/tasks/bridge-refused-1").statusCode(), "no refused submit stored anything");
      assertEquals("running", c.request("tef.dispatcher.control", new JsonObject().put("type", "get_state"), READER)
          .getJsonObject("body").getString("response"));

      c.write(new JsonObject().put("type", "register").put("address", "tef.worker.billing-1").put("headers", new JsonObject().put("api-key", WORKER)));
      JsonObject refused = c.read();
      assertEquals("err", refused.getString("type"));
      assertTrue(refused.getString("message").contains("may not speak for worker 'billing-1'"), refused.encode());
      c.write(new JsonObject().put("type", "register").put("address", "tef.dispatcher.workers").put("headers", new JsonObject().put("api-key", ADMIN)));
      assertEquals("address", c.read().getString("field"), "internal addresses cannot be listened to");
      c.assertAlive();
    }
  }

  /** A bad frame is answered with an err frame naming what is wrong, and the connection goes on. */
  @Test
  void badFramesAreAnsweredNamingTheFieldAndTheConnectionGoesOn() throws Exception {
    try (RawClient c = new RawClient()) {
      c.write("{\"type\": \"send\", ");
      JsonObject malformed = c.read();
      assertEquals("err", malformed.getString("type"));
      assertTrue(malformed.getString("message").contains("malformed JSON"), malformed.encode());
      c.write(new JsonObject().put("type", "dance").put("address", "a"));
      assertEquals("type", c.read().getString("field"));
      c.write(new JsonObject().put("type", "send"));
      assertEquals("address", c.read().getString("field"));
      c.write(new JsonObject().put("type", "send").put("address", "tef.tasks.submit").put("headers", new JsonObject().put("x", 5)));
      assertEquals("headers.x", c.read().getString("field"));
      c.write(new JsonObject().put("type", "publish").put("address", "tef.events.tasks").put("body", new JsonObject())
          .put("headers", new JsonObject().put("api-key", ADMIN)));
      assertEquals("type", c.read().getString("field"), "nobody publishes TEF's events but TEF");
      c.write("{\"type\": \"ping\", \"type\": \"send\"}");
      assertTrue(c.read().getString("message").contains("uplicate"), "duplicate keys are refused as on every door");
      assertFailed(400, "task_type", c.request("tef.tasks.submit", new JsonObject().put("guid", "no-type"), CLIENT));
      c.assertAlive();
    }
  }

  /** A frame longer than limits.max_bytes cannot be skipped: it is answered, and the connection closed. */
  @Test
  void aFrameOverTheLimitClosesTheConnection() throws Exception {
    try (RawClient c = new RawClient()) {
      c.out.writeInt(64 * 1024 * 1024);
      c.out.flush();
      JsonObject err = c.read();
      assertTrue(err.getString("message").contains("longer than limits.max_bytes"), err.encode());
      assertThrows(EOFException.class, c::read);
    }
    try (RawClient c = new RawClient()) {
      c.assertAlive();
    }
  }
}
