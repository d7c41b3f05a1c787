package io.tef.node;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A worker filter of many stars is answered at once: the collective's event loop never stalls on it. */
class WorkerFilterTest extends SharedNodeTest {

  @TempDir
  static Path dataDir;

  @BeforeAll
  static void start() throws Exception {
    startNode(dataDir, Map.of("node.demo_workers", 1)); // conf/test.yaml: ping every 500 ms
  }

  @Test
  void fortyStarsAreAnsweredAtOnceAndTheWorkerStaysAlive() throws Exception {
    String name = awaitLiveDemoWorker();
    String stars = "*".repeat(40);
    long start = System.nanoTime();
    HttpResponse<Buffer> none = http.get("/api/workers?id=" + stars + "Z");
    HttpResponse<Buffer> one = http.get("/api/workers?id=" + stars + name.charAt(name.length() - 1));
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertEquals(200, none.statusCode(), none.bodyAsString());
    assertEquals(0, none.bodyAsJsonObject().getInteger("count"));
    assertEquals(200, one.statusCode(), one.bodyAsString());
    assertEquals(name, one.bodyAsJsonObject().getJsonArray("workers").getJsonObject(0).getString("name"));
    assertTrue(took.compareTo(Duration.ofSeconds(5)) < 0, "answered in " + took);

    // Its heartbeats go on being heard: seen again more than two pings after the answers, never offline meanwhile.
    Instant answered = Instant.now();
    Polling.until("a heartbeat heard since the query", Duration.ofSeconds(15), () -> {
      JsonObject record = http.get("/api/workers/" + name).bodyAsJsonObject();
      assertNotEquals("offline", record.getString("status"), record.encode());
      assertEquals(true, record.getBoolean("alive"), record.encode());
      return record;
    }, record -> Instant.parse(record.getString("last_seen")).isAfter(answered.plusMillis(1000)));
  }

  private static String awaitLiveDemoWorker() throws Exception {
    JsonObject page = Polling.until("the demo worker comes up", Duration.ofSeconds(30),
        () -> http.get("/api/workers?id=demo-*&status=idle").bodyAsJsonObject(), p -> p.getInteger("count", 0) == 1);
    return page.getJsonArray("workers").getJsonObject(0).getString("name");
  }
}
