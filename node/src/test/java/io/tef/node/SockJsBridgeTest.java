package io.tef.node;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The SockJS bridge at /eventbus, driven by Vert.x's own JavaScript client
 * ({@code @vertx/eventbus-bridge-client.js} with {@code sockjs-client}, from npm, run in Node):
 * a page submits and hears the end, a reader's page is refused a submit naming the key, and no
 * page can take a worker's dispatches.
 */
class SockJsBridgeTest extends SharedNodeTest {

  static final String KEY = "sockjs-key-00001";
  static final String READER = "sockjs-reader-0001";
  static final Path MODULES = Path.of("target/js-client");

  @TempDir
  static Path dataDir;

  @BeforeAll
  static void start() throws Exception {
    JsClients.install(MODULES, "@vertx/eventbus-bridge-client.js@1.0.0", "sockjs-client@1.6.1");
    startNode(dataDir, Map.of("node.demo_workers", 1, "auth.api_keys", List.of(KEY,
        Map.of("name", "page-reader", "key", READER, "roles", List.of("read")))));
  }

  private static String run(String... args) throws Exception {
    String[] command = new String[args.length + 2];
    command[0] = "node";
    command[1] = Path.of("src/test/js/sockjs_client.js").toAbsolutePath().toString();
    System.arraycopy(args, 0, command, 2, args.length);
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().put("NODE_PATH", MODULES.resolve("node_modules").toAbsolutePath().toString());
    Process p = pb.start();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the JS client ends");
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.exitValue(), out);
    return out;
  }

  private static String url() {
    return "http://127.0.0.1:" + node.httpPort() + "/eventbus";
  }

  @Test
  void aPageSubmitsATaskAndHearsItComplete() throws Exception {
    String out = run("submit", url(), KEY, "sockjs-1");
    assertTrue(out.contains("submitted sockjs-1"), out);
    String line = out.lines().filter(l -> l.startsWith("event ")).findFirst().orElseThrow(() -> new AssertionError(out));
    JsonObject task = new JsonObject(line.substring("event ".length()));
    assertEquals("completed", task.getString("state"), out);
    assertEquals(new JsonObject().put("from", "js"), task.getValue("result"));
  }

  @Test
  void aReadersPageIsRefusedASubmitNamingTheKey() throws Exception {
    String out = run("refused", url(), READER, "sockjs-by-reader");
    String line = out.lines().filter(l -> l.startsWith("refused ")).findFirst().orElseThrow(() -> new AssertionError(out));
    JsonObject err = new JsonObject(line.substring("refused ".length()));
    assertEquals(403, err.getInteger("failureCode"), out);
    JsonObject body = new JsonObject(err.getString("message"));
    assertEquals("api-key", body.getString("field"));
    assertTrue(body.getString("error").contains("needs submit"), out);
    assertEquals(404, http.get("/api/tasks/sockjs-by-reader").statusCode());
    String noKey = run("refused", url(), "-", "sockjs-no-key");
    assertTrue(noKey.contains("\"failureCode\":401"), noKey);
  }

  @Test
  void noPageTakesAWorkersDispatches() throws Exception {
    String out = run("worker", url(), KEY, "py-worker-9");
    assertTrue(out.contains("refused ") && out.contains("\"failureCode\":403"), out);
    assertTrue(out.contains("cannot be reached from a web page"), out);
  }
}
