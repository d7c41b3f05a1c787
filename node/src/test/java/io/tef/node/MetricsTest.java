package io.tef.node;

import io.tef.protocol.Addresses;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.tef.node.TestNodes.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code GET /metrics} scraped while real tasks run: the counters, histograms and gauges move as
 * the tasks do, labels stay bounded, and Vert.x's and the JVM's own metrics are there.
 */
class MetricsTest extends SharedNodeTest {

  @TempDir
  static Path dataDir;

  @BeforeAll
  static void start() throws Exception {
    startNode(dataDir, Map.of("node.demo_workers", 2, "metrics.refresh_ms", 100, "metrics.max_task_types", 12,
        "resources", Map.of("metrics-db", Map.of("limit", 1))));
  }

  private static String submit(JsonObject envelope) throws Exception {
    var r = http.post("/api/tasks", envelope);
    assertEquals(201, r.statusCode(), r.bodyAsString());
    return r.bodyAsJsonObject().getString("guid");
  }

  @Test
  void countersAndHistogramsMoveWithRealTasks() throws Exception {
    Scrape before = Scrape.of(http);
    List<String> echoes = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      echoes.add(submit(new JsonObject().put("task_type", "echo").put("task_data", new JsonObject().put("i", i))));
    }
    String failing = submit(new JsonObject().put("task_type", "fail").put("max_attempts", 2));
    // One more through the event bus, as a clustered client sends it: counted under its own door.
    JsonObject viaBus = await(node.vertx().eventBus().<JsonObject>request(Addresses.TASKS_SUBMIT,
        new JsonObject().put("task_type", "echo"))).body();
    echoes.add(viaBus.getJsonObject("task").getString("guid"));
    for (String guid : echoes) {
      assertEquals("completed", events.await(guid).getString("state"));
    }
    assertEquals("failed", events.await(failing).getString("state"));

    Scrape after = Scrape.of(http);
    assertEquals(5, delta(before, after, "tef_tasks_submitted_total{door=\"rest\",task_type=\"echo\"}"));
    assertEquals(1, delta(before, after, "tef_tasks_submitted_total{door=\"eventbus\",task_type=\"echo\"}"));
    assertEquals(1, delta(before, after, "tef_tasks_submitted_total{door=\"rest\",task_type=\"fail\"}"));
    assertEquals(6, delta(before, after, "tef_tasks_total{state=\"completed\",task_type=\"echo\"}"));
    assertEquals(1, delta(before, after, "tef_tasks_total{state=\"failed\",task_type=\"fail\"}"));
    assertEquals(1, delta(before, after, "tef_task_retries_total{task_type=\"fail\"}"));
    assertEquals(6, delta(before, after, "tef_task_dispatch_latency_seconds_count{task_type=\"echo\"}"));
    assertEquals(2, delta(before, after, "tef_task_dispatch_latency_seconds_count{task_type=\"fail\"}"));
    assertEquals(6, delta(before, after, "tef_task_run_seconds_count{task_type=\"echo\"}"));
    // Every start waited less than a minute: all in the buckets below +Inf.
    assertEquals(after.value("tef_task_dispatch_latency_seconds_count{task_type=\"echo\"}"),
        after.value("tef_task_dispatch_latency_seconds_bucket{task_type=\"echo\",le=\"60.0\"}"));
    assertTrue(delta(before, after, "tef_store_batch_size_count") > 0, "store batches counted");
    assertTrue(after.value("tef_store_write_seconds_count") > 0);
    assertTrue(after.has("vertx_http_server_requests_total{code=\"201\",method=\"POST\"}"), "Vert.x's HTTP metrics");
    assertTrue(after.text().contains("jvm_memory_used_bytes"), "the JVM's metrics");
    assertTrue(after.text().contains("# TYPE tef_tasks_total counter"));
  }

  @Test
  void queueDepthAndOldestAgeFollowTheQueue() throws Exception {
    List<String> queued = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      queued.add(submit(new JsonObject().put("task_type", "metrics-nobody")));
    }
    Scrape full = Polling.until("the queue gauge shows 3", Duration.ofSeconds(10), () -> Scrape.of(http),
        s -> s.value("tef_queue_depth{task_type=\"metrics-nobody\"}") == 3);
    assertTrue(full.has("tef_queue_oldest_age_seconds{task_type=\"metrics-nobody\"}"));
    Scrape older = Polling.until("the oldest queued task ages", Duration.ofSeconds(10), () -> Scrape.of(http),
        s -> s.value("tef_queue_oldest_age_seconds{task_type=\"metrics-nobody\"}") >= 0.3);
    assertTrue(older.value("tef_tasks_running{task_type=\"metrics-nobody\"}") == 0);
    double cancelledBefore = older.value("tef_tasks_total{state=\"cancelled\",task_type=\"metrics-nobody\"}");
    for (String guid : queued) {
      assertEquals(200, http.delete("/api/tasks/" + guid).statusCode());
    }
    Scrape empty = Polling.until("the queue gauge drops to 0", Duration.ofSeconds(10), () -> Scrape.of(http),
        s -> s.value("tef_queue_depth{task_type=\"metrics-nobody\"}") == 0 && s.has("tef_queue_depth{task_type=\"metrics-nobody\"}"));
    assertEquals(3, empty.value("tef_tasks_total{state=\"cancelled\",task_type=\"metrics-nobody\"}") - cancelledBefore);
  }

  @Test
  void resourceHoldersAndWaitersAreGauges() throws Exception {
    JsonArray db = new JsonArray().add("metrics-db");
    String holder = submit(new JsonObject().put("task_type", "sleep").put("task_data", new JsonObject().put("ms", 3000)).put("resources", db));
    http.awaitState(holder, "working");
    String waiter = submit(new JsonObject().put("task_type", "sleep").put("task_data", new JsonObject().put("ms", 1)).put("resources", db));
    Scrape s = Polling.until("one holder, one waiter", Duration.ofSeconds(10), () -> Scrape.of(http),
        x -> x.value("tef_resource_holders{resource=\"metrics-db\"}") == 1 && x.value("tef_resource_waiters{resource=\"metrics-db\"}") == 1);
    assertEquals(1, s.value("tef_resource_limit{resource=\"metrics-db\"}"));
    assertTrue(s.value("tef_tasks_running{task_type=\"sleep\"}") >= 1);
    assertEquals("completed", events.await(waiter).getString("state"));
  }

  @Test
  void workersAreCountedByStatusAndType() throws Exception {
    Scrape s = Polling.until("two idle demo workers", Duration.ofSeconds(10), () -> Scrape.of(http),
        x -> x.value("tef_workers{status=\"idle\"}") + x.value("tef_workers{status=\"working\"}") >= 2);
    assertTrue(s.value("tef_worker_task_types{status=\"idle\",task_type=\"echo\"}")
        + s.value("tef_worker_task_types{status=\"working\",task_type=\"echo\"}") >= 2);
  }

  /** A client inventing a task type per task does not grow the series: past max_task_types they share "other". */
  @Test
  void taskTypeLabelsAreBounded() throws Exception {
    for (int i = 0; i < 20; i++) {
      submit(new JsonObject().put("task_type", "invented-" + i));
    }
    Scrape s = Polling.until("the invented types are counted", Duration.ofSeconds(10), () -> Scrape.of(http),
        x -> x.labelValues("tef_tasks_submitted_total", "task_type").contains("other"));
    assertTrue(s.labelValues("tef_tasks_submitted_total", "task_type").size() <= 13, s.labelValues("tef_tasks_submitted_total", "task_type").toString());
    assertTrue(s.labelValues("tef_queue_depth", "task_type").size() <= 13);
    assertTrue(s.value("tef_tasks_submitted_total{door=\"rest\",task_type=\"other\"}") >= 8);
  }

  @Test
  void metricsOffAnswers404NamingTheSetting(@TempDir Path other) throws Exception {
    try (TefNode off = TestNodes.start(other, Map.of("metrics.enabled", false)); Http h = new Http(off.vertx(), off.httpPort())) {
      var r = h.get("/metrics");
      assertEquals(404, r.statusCode(), r.bodyAsString());
      assertEquals("metrics.enabled", r.bodyAsJsonObject().getString("field"));
    }
  }

  /** The Grafana dashboard in docs/ queries only metrics that README's "Operating" lists (the tests above scrape them). */
  @Test
  void theDashboardQueriesDocumentedMetrics() throws Exception {
    String dashboard = java.nio.file.Files.readString(Path.of("..", "docs", "grafana-dashboard.json"));
    new JsonObject(dashboard); // valid JSON
    String readme = java.nio.file.Files.readString(Path.of("..", "README.md"));
    String operating = readme.substring(readme.indexOf("## Operating"), readme.indexOf("### Retention"));
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("tef_[a-z_]+").matcher(dashboard);
    java.util.Set<String> missing = new java.util.TreeSet<>();
    while (m.find()) {
      String name = m.group().replaceAll("_(bucket|sum|count)$", "");
      if (!operating.contains("`" + name + "`") && !operating.contains(name + "{")) {
        missing.add(name);
      }
    }
    assertEquals(java.util.Set.of(), missing, "metrics the dashboard queries but README does not list");
  }

  @Test
  void aStallIsCounted() throws Exception {
    String guid = submit(new JsonObject().put("task_type", "sleep").put("task_data", new JsonObject().put("ms", 3000))
        .put("time_limit", 1).put("max_attempts", 1));
    assertEquals("failed", events.await(guid).getString("state"));
    assertTrue(Scrape.of(http).value("tef_task_stalls_total{task_type=\"sleep\"}") >= 1);
  }

  private static double delta(Scrape before, Scrape after, String series) {
    return after.value(series) - before.value(series);
  }
}
