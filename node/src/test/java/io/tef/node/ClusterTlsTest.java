package io.tef.node;

import io.tef.core.config.TefConfig;
import io.tef.worker.TefWorker;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SelfSignedCertificate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ExecutionException;

import static io.tef.node.TestNodes.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The cluster's event bus over TLS (cluster.tls.*): a node in its own JVM and a worker whose
 * Vert.x holds a certificate of the cluster's CA run a task together; a member without one joins
 * Hazelcast but cannot talk on the bus.
 */
class ClusterTlsTest {

  @TempDir
  Path dataDir;
  @TempDir
  Path workerDir;

  @Test
  void onlyMembersWithTheClustersCertificateTalkOnTheBus() throws Exception {
    SelfSignedCertificate cert = SelfSignedCertificate.create("localhost");
    Map<String, Object> tls = Map.of("cluster.enabled", true, "cluster.host", "127.0.0.1", "cluster.tls.cert", cert.certificatePath(),
        "cluster.tls.key", cert.privateKeyPath(), "cluster.tls.ca", cert.certificatePath());
    try (NodeProcess node = NodeProcess.start(dataDir, "--cluster", "--cluster-host", "127.0.0.1", "--set", "cluster.tls.cert=" + cert.certificatePath(),
        "--set", "cluster.tls.key=" + cert.privateKeyPath(), "--set", "cluster.tls.ca=" + cert.certificatePath())) {
      int port = node.awaitReady();
      Vertx member = TefNode.createVertx(TestNodes.config(workerDir, tls), null);
      TefConfig.Cluster plainCluster = new TefConfig.Cluster(true, "127.0.0.1", 0, "", TestNodes.CLUSTER_NAME, java.util.List.of(), false, "tef", 1);
      Vertx plain = await(Vertx.builder().with(new VertxOptions().setEventBusOptions(new EventBusOptions().setHost("127.0.0.1").setPort(0)))
          .withClusterManager(ClusterSetup.clusterManager(plainCluster, null)).buildClustered());
      try (Http http = new Http(member, port)) {
        TefWorker worker = TefWorker.builder("tls-worker").handle("tls-echo", job -> Future.succeededFuture(new JsonObject().put("echoed", job.data()))).build();
        await(member.deployVerticle(worker));
        await(worker.registration());
        assertEquals(201, http.post("/api/tasks", new JsonObject().put("task_type", "tls-echo").put("guid", "over-tls-bus").put("task_data", 3)).statusCode());
        JsonObject done = http.awaitState("over-tls-bus", "completed");
        assertEquals("tls-worker", done.getString("worker"));
        assertEquals(3, done.getJsonObject("result").getInteger("echoed"));

        ExecutionException refused = assertThrows(ExecutionException.class, () -> await(plain.eventBus().request(io.tef.protocol.Addresses.TASKS_SUBMIT,
            new JsonObject().put("task_type", "echo").put("guid", "from-a-plain-member"), new DeliveryOptions().setSendTimeout(5000))));
        assertEquals(io.vertx.core.eventbus.ReplyException.class, refused.getCause().getClass(), refused.getCause().toString());
        assertEquals(404, http.get("/api/tasks/from-a-plain-member").statusCode(), "nothing from a member without the certificate");
      } finally {
        await(plain.close());
        await(member.close());
      }
      node.terminate();
    }
  }
}
