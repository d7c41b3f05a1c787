package io.tef.node;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * RabbitMQ restarts (rabbitmqctl stop_app / start_app) while a publisher sends tasks to the
 * manager queue with publisher confirms, N times: every task the broker confirmed is stored once
 * the bridge has reconnected and drained the queue. AmqpBrokerRestartTest restarts the broker
 * between submission and execution; this restarts it in the middle of the submissions.
 */
@org.junit.jupiter.api.Tag("chaos")
class BrokerRestartChaosTest {

  @TempDir
  Path dataDir;
  private Vertx vertx;
  private AmqpBroker broker;

  @BeforeEach
  void setUp() throws Exception {
    broker = AmqpBroker.require();
    vertx = Vertx.vertx();
  }

  @AfterEach
  void tearDown() throws Exception {
    TestNodes.await(vertx.close());
    broker.close();
  }

  @Test
  void everyConfirmedTaskIsStoredAcrossBrokerRestarts() throws Exception {
    int rounds = Chaos.rounds(1);
    Set<String> confirmed = ConcurrentHashMap.newKeySet();
    List<Long> downToUpMs = new ArrayList<>();
    long started = System.nanoTime();
    int unconfirmedSent;
    try (NodeProcess node = NodeProcess.start(dataDir, Map.of(), "--set", "amqp.url=" + AmqpBroker.URL, "--set", "amqp.env=" + broker.env,
        "--set", "amqp.reconnect_max_ms=1000");
         Http http = new Http(vertx, node.awaitReady())) {
      awaitHealth(http, 200, 30);
      Publisher publisher = new Publisher(broker.prefix() + ".manager", confirmed);
      Thread t = new Thread(publisher, "chaos-publisher");
      t.start();
      try {
        for (int r = 0; r < rounds; r++) {
          Thread.sleep(2000);
          rabbitmqctl("stop_app");
          long down = System.nanoTime();
          try {
            awaitHealth(http, 503, 30);
            Thread.sleep(1000);
          } finally {
            rabbitmqctl("start_app");
          }
          awaitHealth(http, 200, 60);
          downToUpMs.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - down));
        }
        Thread.sleep(2000);
      } finally {
        publisher.stop.set(true);
        t.join(30_000);
      }
      unconfirmedSent = publisher.sent - confirmed.size();
      // The bridge takes what waits in the queue; then every confirmed task must be there.
      List<String> missing = new ArrayList<>(confirmed);
      try {
        Polling.until("every confirmed task stored", java.time.Duration.ofSeconds(60), java.time.Duration.ofMillis(500), () -> {
          for (java.util.Iterator<String> it = missing.iterator(); it.hasNext(); ) {
            if (http.get("/api/tasks/" + it.next()).statusCode() == 200) {
              it.remove();
            }
          }
          return missing.isEmpty();
        }, Boolean::booleanValue);
      } catch (AssertionError timedOut) {
        // counted below as lost
      }
      Figures.chaos(new Figures.ChaosRow("RabbitMQ stop_app / start_app under AMQP submission", rounds, confirmed.size(), missing.size(), 0,
          downToUpMs, "broker stopped → bridge up again", unconfirmedSent + " publishes not confirmed (not counted); "
          + (System.nanoTime() - started) / 1_000_000_000 + " s"));
      assertEquals(List.of(), missing.subList(0, Math.min(20, missing.size())), missing.size() + " confirmed tasks not stored");
      assertTrue(confirmed.size() > 100, "too few confirmed to say anything: " + confirmed.size());
      node.terminate();
    }
  }

  private static void awaitHealth(Http http, int status, int seconds) throws Exception {
    Polling.until("GET /health answers " + status, java.time.Duration.ofSeconds(seconds), () -> {
      try {
        return http.get("/health").statusCode();
      } catch (Exception e) {
        return -1; // the node is restarting
      }
    }, last -> last == status);
  }

  static void rabbitmqctl(String command) throws Exception {
    Process p = new ProcessBuilder("rabbitmqctl", command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, "rabbitmqctl " + command + ": " + out);
  }

  /** Publishes tasks in batches of 20, each batch confirmed before the next; reconnects when the broker is away. */
  static final class Publisher implements Runnable {
    final AtomicBoolean stop = new AtomicBoolean();
    final String queue;
    final Set<String> confirmed;
    volatile int sent;

    Publisher(String queue, Set<String> confirmed) {
      this.queue = queue;
      this.confirmed = confirmed;
    }

    @Override
    public void run() {
      ConnectionFactory f = new ConnectionFactory();
      f.setAutomaticRecoveryEnabled(false);
      f.setConnectionTimeout(2000);
      int n = 0;
      while (!stop.get()) {
        try {
          f.setUri(AmqpBroker.URL);
          try (Connection c = f.newConnection("chaos-publisher")) {
            Channel ch = c.createChannel();
            ch.confirmSelect();
            while (!stop.get()) {
              List<String> batch = new ArrayList<>();
              for (int i = 0; i < 20; i++) {
                String guid = "br-" + Chaos.SEED + "-" + (n++);
                AMQP.BasicProperties props = new AMQP.BasicProperties.Builder().contentType("application/json").deliveryMode(2).build();
                ch.basicPublish("", queue, props, new JsonObject().put("type", "task").put("task_type", "nobody-runs-this").put("guid", guid)
                    .put("task_data", n).encode().getBytes(StandardCharsets.UTF_8));
                sent++;
                batch.add(guid);
              }
              if (ch.waitForConfirms(5000)) {
                confirmed.addAll(batch);
              }
              Thread.sleep(20);
            }
          }
        } catch (Exception e) {
          try {
            Thread.sleep(200); // the broker is away: try again
          } catch (InterruptedException ie) {
            return;
          }
        }
      }
    }
  }
}
