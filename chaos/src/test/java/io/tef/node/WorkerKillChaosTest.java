package io.tef.node;

import io.tef.protocol.Addresses;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A node and two {@code tef worker} JVMs on its cluster; N times, a worker is killed with kill -9
 * while it runs a task (and echo tasks flow beside it), and a fresh worker JVM takes its place.
 * Every task completes, none is recorded as ended twice, and the time from the kill to the start
 * of the task's next attempt on the other worker is measured.
 */
@org.junit.jupiter.api.Tag("chaos")
class WorkerKillChaosTest {

  private static final Map<String, String> CLUSTER = Map.of("TEF_CLUSTER_NAME", FuzzNode.clusterName("worker-kill"));

  @TempDir
  Path dataDir;

  private final Map<String, NodeProcess> workers = new ConcurrentHashMap<>();
  private final Map<String, CompletableFuture<Void>> ready = new ConcurrentHashMap<>();
  private int nextWorker;

  @Test
  void killingAWorkerMidTaskLosesNothingAndEndsEachTaskOnce() throws Exception {
    int rounds = Chaos.rounds(5);
    int echoesPerRound = 10;
    long pingMs = 500;
    List<Long> rerunMs = new ArrayList<>();
    Map<String, AtomicInteger> ends = new ConcurrentHashMap<>();
    Map<String, AtomicInteger> starts = new ConcurrentHashMap<>();
    // guid -> attempt -> future of the start notification (worker, time)
    Map<String, CompletableFuture<JsonObject>> firstStart = new ConcurrentHashMap<>();
    Map<String, CompletableFuture<Long>> rerunAt = new ConcurrentHashMap<>();
    long started = System.nanoTime();
    try (NodeProcess node = NodeProcess.start(dataDir, CLUSTER, "--cluster", "--cluster-host", "127.0.0.1",
        "--set", "collective.ping_interval_ms=" + pingMs, "--set", "dispatcher.dispatch_timeout_ms=5000")) {
      int port = node.awaitReady();
      Vertx vertx = FuzzNode.joinCluster(FuzzNode.clusterName("worker-kill"));
      try (Http http = new Http(vertx, port)) {
        MessageConsumer<JsonObject> notes = vertx.eventBus().consumer(Addresses.EVENTS_NOTIFICATIONS, m -> {
          JsonObject n = m.body();
          if (!"start".equals(n.getString("type"))) {
            return;
          }
          String guid = n.getString("source_id");
          starts.computeIfAbsent(guid, g -> new AtomicInteger()).incrementAndGet();
          n.put("seen_at", System.nanoTime());
          CompletableFuture<JsonObject> first = firstStart.computeIfAbsent(guid, g -> new CompletableFuture<>());
          if (!first.complete(n) && first.join().getInteger("attempt") < n.getInteger("attempt")) {
            rerunAt.computeIfAbsent(guid, g -> new CompletableFuture<>()).complete(System.nanoTime());
          }
        });
        MessageConsumer<JsonObject> endings = vertx.eventBus().consumer(Addresses.EVENTS_TASKS,
            m -> ends.computeIfAbsent(m.body().getString("guid"), g -> new AtomicInteger()).incrementAndGet());
        TestNodes.await(notes.completion());
        TestNodes.await(endings.completion());
        // Three workers, started side by side; a killed one is replaced in the background, and a
        // round waits only until two are ready (the victim's task needs another worker).
        CompletableFuture.allOf(startWorker(pingMs), startWorker(pingMs), startWorker(pingMs)).get(120, TimeUnit.SECONDS);

        List<String> all = new ArrayList<>();
        // A round whose task ended before the kill came (its start heard late on a loaded machine)
        // kills nothing mid-task: it is run again under a new guid, up to twice the rounds.
        for (int r = 0; rerunMs.size() < rounds && r < 2 * rounds; r++) {
          awaitReadyWorkers(2);
          String guid = "wk-" + r;
          all.add(guid);
          assertEquals(201, http.post("/api/tasks", new JsonObject().put("task_type", "sleep").put("guid", guid).put("suite_guid", "chaos-wk")
              .put("task_data", new JsonObject().put("ms", 2000))).statusCode());
          for (int j = 0; j < echoesPerRound; j++) {
            String echo = guid + "-echo-" + j;
            all.add(echo);
            http.post("/api/tasks", new JsonObject().put("task_type", "echo").put("guid", echo).put("suite_guid", "chaos-wk").put("task_data", j));
          }
          JsonObject start = firstStart.computeIfAbsent(guid, g -> new CompletableFuture<>()).get(60, TimeUnit.SECONDS);
          String victim = start.getString("worker_id");
          Thread.sleep(100 + (r * 137) % 600); // somewhere in the middle of its 2 s
          if (ends.containsKey(guid) || java.util.Set.of("completed", "failed", "cancelled").contains(http.get("/api/tasks/" + guid).bodyAsJsonObject().getString("state"))) {
            System.out.println("round " + r + ": " + guid + " was no longer running when the kill was due; the round is run again");
            continue;
          }
          CompletableFuture<Long> rerun = rerunAt.computeIfAbsent(guid, g -> new CompletableFuture<>());
          long killedAt = System.nanoTime();
          NodeProcess w = workers.remove(victim);
          assertTrue(w != null, "the worker that runs " + guid + " is " + victim + ", one of ours: " + workers.keySet());
          w.kill();
          startWorker(pingMs);
          long at;
          try {
            at = rerun.get(60, TimeUnit.SECONDS);
          } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("round " + r + ": " + guid + " (killed on " + victim + ") did not start again within 60 s; task now "
                + http.get("/api/tasks/" + guid).bodyAsString() + "; workers " + http.get("/api/workers").bodyAsString()
                + "; starts seen " + starts.get(guid) + "\nnode output:\n" + tail(node.output(), 60));
          }
          rerunMs.add(TimeUnit.NANOSECONDS.toMillis(at - killedAt));
        }

        JsonObject counts = awaitSuite(http, "chaos-wk", all.size());
        long completed = counts.getInteger("completed", 0);
        long lost = all.size() - completed;
        // This JVM may hear the last endings a moment after the store shows them.
        try {
          Polling.until("every ending heard", java.time.Duration.ofSeconds(10), () -> all.stream().allMatch(ends::containsKey));
        } catch (AssertionError notAll) {
          // the counts below say what was missed
        }
        long twice = all.stream().filter(g -> ends.getOrDefault(g, new AtomicInteger()).get() > 1).count();
        long ranAgain = all.stream().filter(g -> !g.matches("wk-\\d+") && starts.getOrDefault(g, new AtomicInteger()).get() > 1).count();
        Figures.chaos(new Figures.ChaosRow("kill -9 of a worker JVM mid-task", rounds, all.size(), lost, twice, rerunMs, "kill → next attempt starts",
            "ping " + pingMs + " ms; " + ranAgain + " echo tasks ran again (at least once); " + (System.nanoTime() - started) / 1_000_000_000 + " s"));
        assertEquals(rounds, rerunMs.size(), "rounds with a worker killed mid-task");
        assertEquals(0, lost, "tasks lost: " + counts.encode());
        assertEquals(0, twice, "tasks recorded as ended twice");
        TestNodes.await(notes.unregister());
        TestNodes.await(endings.unregister());
      } finally {
        workers.values().forEach(NodeProcess::close);
        TestNodes.await(vertx.close());
      }
      node.terminate();
    }
  }

  private CompletableFuture<Void> startWorker(long pingMs) throws Exception {
    String id = "cw-" + (++nextWorker);
    NodeProcess w = NodeProcess.worker(CLUSTER, "--cluster", "--cluster-host", "127.0.0.1", "--id", id, "--tasks", "sleep,echo",
        "--ping", pingMs + "ms");
    workers.put(id, w);
    CompletableFuture<Void> f = CompletableFuture.runAsync(() -> {
      try {
        w.awaitReady();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    ready.put(id, f);
    return f;
  }

  private void awaitReadyWorkers(int n) throws Exception {
    Polling.until(n + " workers ready", java.time.Duration.ofSeconds(90),
        () -> workers.keySet().stream().filter(id -> ready.get(id).isDone() && !ready.get(id).isCompletedExceptionally()).count() >= n);
  }

  static String tail(String text, int lines) {
    String[] all = text.split("\n");
    return String.join("\n", java.util.Arrays.copyOfRange(all, Math.max(0, all.length - lines), all.length));
  }

  static JsonObject awaitSuite(Http http, String suite, int n) throws Exception {
    // The caller judges the counts, so a timeout hands back the last ones seen.
    JsonObject[] last = {new JsonObject()};
    try {
      return Polling.until(n + " tasks completed", java.time.Duration.ofSeconds(90), java.time.Duration.ofMillis(200), () -> {
        var r = http.get("/api/suites/" + suite);
        if (r.statusCode() == 200) {
          last[0] = r.bodyAsJsonObject().getJsonObject("counts");
        }
        return last[0];
      }, counts -> counts.getInteger("completed", 0) >= n);
    } catch (AssertionError timedOut) {
      return last[0];
    }
  }
}
