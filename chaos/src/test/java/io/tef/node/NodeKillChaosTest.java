package io.tef.node;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * kill -9 of the node while 8 clients submit over REST, N times on one data folder: after each
 * restart every task that was answered 201 is there (the answers in flight at the kill may or may
 * not be). RestartDurabilityTest kills after the last answer; this kills in the middle of them.
 */
@org.junit.jupiter.api.Tag("chaos")
class NodeKillChaosTest {

  @TempDir
  Path dataDir;
  private Vertx vertx;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void tearDown() throws Exception {
    TestNodes.await(vertx.close());
  }

  @Test
  void everyTaskAnswered201SurvivesAKillUnderSubmission() throws Exception {
    int rounds = Chaos.rounds(2);
    int clients = 8;
    Set<String> accepted = ConcurrentHashMap.newKeySet();
    List<Long> restartMs = new ArrayList<>();
    long inFlightFound = 0;
    long inFlightTotal = 0;
    long lost = 0;
    long started = System.nanoTime();
    for (int r = 0; r <= rounds; r++) {
      long t0 = System.nanoTime();
      try (NodeProcess node = NodeProcess.start(dataDir);
           Http http = new Http(vertx, node.awaitReady())) {
        if (r > 0) {
          restartMs.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
          for (String guid : accepted) {
            if (http.get("/api/tasks/" + guid).statusCode() != 200) {
              lost++;
            }
          }
          for (String guid : inFlightAtKill) {
            if (http.get("/api/tasks/" + guid).statusCode() == 200) {
              inFlightFound++;
            }
          }
          inFlightAtKill.clear();
        }
        if (r == rounds) {
          node.terminate();
          break;
        }
        // Submit until a few hundred are in, then kill -9 in the middle of the answers.
        Set<String> unanswered = ConcurrentHashMap.newKeySet();
        AtomicBoolean killed = new AtomicBoolean();
        AtomicInteger ok = new AtomicInteger();
        int target = 150 + (int) ((Chaos.SEED + r * 7919L) % 300);
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        int round = r;
        for (int c = 0; c < clients; c++) {
          int client = c;
          pool.submit(() -> {
            for (int i = 0; !killed.get(); i++) {
              String guid = "nk-" + round + "-" + client + "-" + i;
              unanswered.add(guid);
              try {
                int status = http.post("/api/tasks", new JsonObject().put("task_type", "nobody-runs-this").put("guid", guid)).statusCode();
                if (status == 201) {
                  accepted.add(guid);
                  unanswered.remove(guid);
                  ok.incrementAndGet();
                }
              } catch (Exception e) {
                return null; // the node is gone
              }
            }
            return null;
          });
        }
        while (ok.get() < target) {
          Thread.sleep(2);
        }
        node.kill();
        killed.set(true);
        pool.shutdown();
        pool.awaitTermination(60, TimeUnit.SECONDS);
        inFlightTotal += unanswered.size();
        // Whether these made it is open; counted after the restart.
        inFlightAtKill.addAll(unanswered);
      }
    }
    Figures.chaos(new Figures.ChaosRow("kill -9 of the node under REST submission (8 clients)", rounds, accepted.size(), lost, 0, restartMs,
        "restart → ready", "every 201 checked after each restart; of " + inFlightTotal + " requests in flight at the kills "
        + inFlightFound + " were stored; " + (System.nanoTime() - started) / 1_000_000_000 + " s"));
    assertEquals(0, lost, lost + " tasks answered 201 were not found after a restart");
  }

  private final Set<String> inFlightAtKill = ConcurrentHashMap.newKeySet();
}
