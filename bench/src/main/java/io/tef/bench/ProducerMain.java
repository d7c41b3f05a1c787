package io.tef.bench;

import io.tef.core.config.ConfigLoader;
import io.tef.node.TefNode;
import io.vertx.core.Vertx;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * The bench's producer in a process of its own, as a user's program submits: over REST, as a
 * clustered event-bus client, or over AMQP. Driven by lines on stdin so that its start-up (a JVM,
 * a cluster join) is not measured: {@code run <prefix> <count> <in-flight> <gap-ms>} answers
 * {@code SENT <failures> <file>} (the file: one {@code <guid> <epoch-micros>} line per task, its
 * submit time), {@code quit} ends it.
 */
@Command(name = "tef-bench-producer", mixinStandardHelpOptions = true, description = "Submits tasks to a TEF node for the bench.")
public final class ProducerMain implements Callable<Integer> {

  @Option(names = "--door", required = true, description = "rest, eventbus or amqp.")
  Submitter.Door door;

  @Option(names = "--http-port", description = "The node's HTTP port (rest).", defaultValue = "8080")
  int httpPort;

  @Option(names = "--cluster-name", description = "The node's cluster (eventbus).")
  String clusterName;

  @Option(names = "--amqp-url", description = "The broker (amqp).")
  String amqpUrl;

  @Option(names = "--amqp-env", description = "The <env> of tef.<env>.manager (amqp).")
  String amqpEnv;

  @Option(names = "--type", description = "The task type (default ${DEFAULT-VALUE}).", defaultValue = "echo")
  String taskType;

  public static void main(String[] args) {
    System.setProperty("logback.configurationFile", System.getProperty("logback.configurationFile", "bench-logback.xml"));
    System.setProperty("vertx.logger-delegate-factory-class-name", "io.vertx.core.logging.SLF4JLogDelegateFactory");
    System.exit(new CommandLine(new ProducerMain()).setCaseInsensitiveEnumValuesAllowed(true).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    Vertx vertx = door == Submitter.Door.EVENTBUS
        ? TefNode.createVertx(ConfigLoader.loadBlocking(Map.of("TEF_ENV", "dev"), Map.of(
            "cluster.enabled", true, "cluster.host", "127.0.0.1", "cluster.name", clusterName)), null)
        : Vertx.vertx();
    AmqpSubmitter amqp = door == Submitter.Door.AMQP ? new AmqpSubmitter(amqpUrl, amqpEnv) : null;
    // nanoTime to the wall clock once, so submit times compare with the node's started_at.
    Instant now = Instant.now();
    long epochMicrosAtZero = now.getEpochSecond() * 1_000_000 + now.getNano() / 1000 - System.nanoTime() / 1000;
    System.out.println("READY");
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    String line;
    while ((line = in.readLine()) != null && !line.equals("quit")) {
      String[] w = line.trim().split(" ");
      if (w.length != 5 || !w[0].equals("run")) {
        System.out.println("ERROR expected: run <prefix> <count> <in-flight> <gap-ms>");
        continue;
      }
      int count = Integer.parseInt(w[2]);
      int inFlight = Integer.parseInt(w[3]);
      long gap = Long.parseLong(w[4]);
      Submitter.Result r = amqp != null
          ? amqp.submit(taskType, w[1], count, inFlight, gap)
          : new Submitter(vertx, "127.0.0.1", httpPort, door, inFlight, taskType, w[1], gap).submit(count).get(30, TimeUnit.MINUTES);
      Path out = Files.createTempFile("tef-bench-submits", ".txt");
      try (PrintWriter pw = new PrintWriter(Files.newBufferedWriter(out))) {
        r.submittedAt().forEach((guid, nanos) -> pw.println(guid + " " + (epochMicrosAtZero + nanos / 1000)));
      }
      System.out.println("SENT " + r.failures() + " " + out);
    }
    if (amqp != null) {
      amqp.close();
    }
    vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    return 0;
  }
}
