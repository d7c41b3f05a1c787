package io.tef.node;

import io.tef.node.cli.TefCommand;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Liveness and readiness in vertx-health-check's format: {@code /health/live} answers while the
 * process does; {@code /health/ready} (and {@code /health}) only when the store answers, the
 * bridge is connected, the dispatcher holds its lease; and {@code --ready-timeout} exits 3 saying why.
 */
class HealthTest {

  @TempDir
  Path dir;

  private static JsonObject check(JsonObject health, String id) {
    return health.getJsonArray("checks").stream().map(JsonObject.class::cast).filter(c -> id.equals(c.getString("id"))).findFirst()
        .orElseThrow(() -> new AssertionError("no check " + id + " in " + health.encode()));
  }

  @Test
  void aHealthyNodeIsLiveAndReady() throws Exception {
    try (TefNode node = TestNodes.start(dir, Map.of()); Http http = new Http(node.vertx(), node.httpPort())) {
      var live = http.get("/health/live");
      assertEquals(200, live.statusCode());
      assertEquals("UP", live.bodyAsJsonObject().getString("status"));
      JsonObject ready = Polling.until("ready", Duration.ofSeconds(10), () -> http.get("/health/ready"), r -> r.statusCode() == 200).bodyAsJsonObject();
      assertEquals("UP", check(ready, "store").getString("status"));
      assertEquals("UP", check(ready, "dispatcher").getString("status"));
      assertTrue(check(ready, "dispatcher").getJsonObject("data").getJsonObject("leases").getMap().containsValue("held"), ready.encode());
      assertEquals("off", check(ready, "amqp").getJsonObject("data").getString("bridge"));
      assertEquals(200, http.get("/health").statusCode());
    }
  }

  @Test
  void aBridgeWithoutItsBrokerIsLiveButNotReady() throws Exception {
    try (TefNode node = TestNodes.start(dir, Map.of("amqp.url", "amqp://127.0.0.1:1")); Http http = new Http(node.vertx(), node.httpPort())) {
      assertEquals(200, http.get("/health/live").statusCode());
      var ready = http.get("/health/ready");
      assertEquals(503, ready.statusCode(), ready.bodyAsString());
      JsonObject amqp = check(ready.bodyAsJsonObject(), "amqp");
      assertEquals("DOWN", amqp.getString("status"));
      assertTrue(amqp.getJsonObject("data").getString("reason").contains("not connected"), amqp.encode());
      assertEquals("UP", check(ready.bodyAsJsonObject(), "store").getString("status"));
      assertEquals(503, http.get("/health").statusCode());
    }
  }

  @Test
  void aNodeWhoseStoreNobodyAnswersForIsNotReady() throws Exception {
    try (TefNode node = TestNodes.start(dir, Map.of("node.roles", List.of("gateway", "collective", "registry")));
         Http http = new Http(node.vertx(), node.httpPort())) {
      var ready = http.get("/health/ready");
      assertEquals(503, ready.statusCode(), ready.bodyAsString());
      JsonObject store = check(ready.bodyAsJsonObject(), "store");
      assertEquals("DOWN", store.getString("status"));
      assertTrue(store.getJsonObject("data").getString("reason").contains("no dispatcher answered"), store.encode());
      assertEquals(200, http.get("/health/live").statusCode());
    }
  }

  @Test
  void readyTimeoutExitsThreeSayingWhy() {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cmd = TefCommand.commandLine();
    cmd.setOut(new PrintWriter(out, true));
    cmd.setErr(new PrintWriter(err, true));
    int exit = cmd.execute("node", "--data-dir", dir.toString(), "--http-port", "0", "--ready-timeout", "2",
        "--set", "amqp.url=amqp://127.0.0.1:1", "--set", "cluster.name=" + TestNodes.CLUSTER_NAME);
    assertEquals(3, exit, out + "\n" + err);
    assertTrue(err.toString().contains("not ready after 2 s") && err.toString().contains("amqp:"), err.toString());
  }
}
