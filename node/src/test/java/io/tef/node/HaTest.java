package io.tef.node;

import io.tef.core.store.DispatcherLease;
import io.tef.core.store.LeaseStore;
import io.tef.core.store.mongo.MongoStores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static io.tef.node.TestNodes.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Vert.x HA: node B dies with kill -9; its dispatcher (and collective and registry) are deployed
 * again on node A, the surviving --ha node of its group, with B's configuration.
 */
class HaTest {

  @TempDir
  Path dataA;
  @TempDir
  Path dataB;

  @Test
  void aDeadNodesDispatcherIsDeployedAgainOnTheSurvivor() throws Exception {
    TefNode a = TestNodes.start(dataA, Map.of("cluster.enabled", true, "cluster.host", "127.0.0.1", "cluster.ha", true, "node.name", "node-a"));
    MongoStores stores = MongoStores.shared(a.vertx(), a.config().mongo().connectionString(), a.config().mongo().database());
    LeaseStore leases = stores.leases();
    try (NodeProcess b = NodeProcess.start(dataB, "--cluster", "--cluster-host", "127.0.0.1", "--ha", "--name", "node-b",
        "--roles", "dispatcher,collective,registry,gateway", "--store-url", a.config().mongo().connectionString())) {
      b.awaitReady();
      long bPid = b.pid();
      awaitLease(leases, l -> "node-b".equals(l.node()) && l.pid() == bPid, "B's own dispatcher");
      b.kill();
      DispatcherLease moved = awaitLease(leases, l -> "node-b".equals(l.node()) && l.pid() == ProcessHandle.current().pid(),
          "B's dispatcher running again in A's process");
      System.out.println("HA: node-b's dispatcher runs again in node-a as " + moved.instance());
    } finally {
      await(stores.close());
      a.close();
    }
  }

  private static DispatcherLease awaitLease(LeaseStore leases, java.util.function.Predicate<DispatcherLease> which, String what) throws Exception {
    List<DispatcherLease> found = Polling.until(what + " shows", java.time.Duration.ofSeconds(60), java.time.Duration.ofMillis(200),
        () -> await(leases.leases()),
        last -> last.stream().anyMatch(l -> which.test(l) && !l.seenAt().equals(java.time.Instant.EPOCH)));
    return found.stream().filter(l -> which.test(l) && !l.seenAt().equals(java.time.Instant.EPOCH)).findFirst().orElseThrow();
  }
}
