package io.tef.bench;

import io.tef.node.TefNode;
import io.tef.protocol.Addresses;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The bench as users deploy TEF: the node in this JVM, the workers in JVMs of their own
 * ({@code tef worker --cluster --slots S}, the built-in echo handler), the producer in a process of
 * its own (REST, a clustered event-bus client, or AMQP). Prints drain, latency and the CPU time of
 * every process per task: on a shared two-core machine the steadier figure.
 */
final class DeployedRun {

  /** What the run needs from the command line. */
  record Settings(int tasks, int warmup, int inFlight, int workerJvms, int slots, Submitter.Door producer, int idle,
                  Path nodeJar, String clusterName, String amqpUrl, String amqpEnv) {
  }

  private final Settings s;
  private final TefNode node;
  private final Map<String, Long> startedMicros = new ConcurrentHashMap<>();
  private final Map<String, Phase> phases = new ConcurrentHashMap<>();

  /** The tasks of one producer run: complete when every one has ended. */
  private record Phase(int count, AtomicInteger ended, CompletableFuture<Long> done) {
  }

  DeployedRun(Settings s, TefNode node) {
    this.s = s;
    this.node = node;
  }

  int run() throws Exception {
    Vertx vertx = node.vertx();
    vertx.eventBus().<JsonObject>consumer(Addresses.EVENTS_TASKS, m -> ended(m.body()))
        .completion().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    List<ChildProcess> workers = new ArrayList<>();
    ChildProcess producer = null;
    try {
      for (int i = 1; i <= s.workerJvms(); i++) {
        workers.add(ChildProcess.start("bench-w" + i, List.of(ChildProcess.java(), "-jar", s.nodeJar().toString(), "worker",
            "--cluster", "--cluster-host", "127.0.0.1", "--id", "bench-w" + i, "--tasks", "echo", "--slots", String.valueOf(s.slots())),
            Map.of("TEF_ENV", "dev", "TEF_CLUSTER_NAME", s.clusterName())));
      }
      for (ChildProcess w : workers) {
        w.awaitLine("TEF worker " + w.name() + " ready", Duration.ofSeconds(120));
      }
      producer = startProducer();
      producer.awaitLine("READY", Duration.ofSeconds(120));

      if (s.warmup() > 0) {
        long w0 = System.nanoTime();
        runPhase(producer, "warm", s.warmup(), Math.max(s.inFlight(), 64), 0);
        System.out.printf(Locale.ROOT, "warm-up: %d tasks run first in %.1f s, not measured%n", s.warmup(), (System.nanoTime() - w0) / 1e9);
      }

      List<ChildProcess> measured = new ArrayList<>(workers);
      measured.add(producer);
      // Over AMQP the broker does part of the work: its CPU counts too, though the bench did not start it.
      ProcessHandle broker = s.producer() == Submitter.Door.AMQP ? broker() : null;
      Duration broker0 = broker == null ? Duration.ZERO : cpuOf(broker);
      double self0 = selfCpu();
      List<Duration> cpu0 = measured.stream().map(ChildProcess::cpu).toList();
      long t0 = System.nanoTime();
      PhaseResult load = runPhase(producer, "noop", s.tasks(), s.inFlight(), 0);
      double wall = (load.endNanos() - t0) / 1e9;
      double self = selfCpu() - self0;
      List<Double> used = new ArrayList<>();
      for (int i = 0; i < measured.size(); i++) {
        used.add((measured.get(i).cpu().toNanos() - cpu0.get(i).toNanos()) / 1e9);
      }
      double brokerUsed = broker == null ? 0 : (cpuOf(broker).toNanos() - broker0.toNanos()) / 1e9;
      PhaseResult idle = s.idle() > 0 ? runPhase(producer, "idle", s.idle(), 1, 20) : null;
      print(load, wall, self, measured, used, brokerUsed, idle);
      return load.failures() == 0 && load.latenciesMs().size() == s.tasks() ? 0 : 1;
    } finally {
      if (producer != null) {
        producer.tell("quit");
        producer.close();
      }
      ChildProcess.closeAll(workers);
    }
  }

  private ChildProcess startProducer() throws Exception {
    Path benchJar = Path.of(DeployedRun.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    List<String> cmd = new ArrayList<>(List.of(ChildProcess.java(), "-cp", benchJar.toString(), ProducerMain.class.getName(),
        "--door", s.producer().name().toLowerCase(Locale.ROOT)));
    switch (s.producer()) {
      case REST -> cmd.addAll(List.of("--http-port", String.valueOf(node.httpPort())));
      case EVENTBUS -> cmd.addAll(List.of("--cluster-name", s.clusterName()));
      case AMQP -> cmd.addAll(List.of("--amqp-url", s.amqpUrl(), "--amqp-env", s.amqpEnv()));
      default -> throw new IllegalArgumentException("a producer process submits over rest, eventbus or amqp");
    }
    // The producer's own JVM flags: a clustered event-bus client is a Hazelcast member too.
    if (s.producer() == Submitter.Door.EVENTBUS) {
      cmd.addAll(1, List.of("--add-opens", "java.base/java.lang=ALL-UNNAMED", "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED",
          "--add-opens", "java.management/sun.management=ALL-UNNAMED", "--add-opens", "jdk.management/com.sun.management.internal=ALL-UNNAMED",
          "--add-exports", "java.base/jdk.internal.ref=ALL-UNNAMED"));
    }
    return ChildProcess.start("producer", cmd, Map.of());
  }

  private record PhaseResult(long endNanos, int failures, List<Double> latenciesMs) {
  }

  /** One producer run: its answer, then every task ended; latency = the node's started_at minus the producer's submit time. */
  private PhaseResult runPhase(ChildProcess producer, String prefix, int count, int inFlight, long gapMs) throws Exception {
    Phase phase = new Phase(count, new AtomicInteger(), new CompletableFuture<>());
    phases.put(prefix, phase);
    producer.tell("run " + prefix + " " + count + " " + inFlight + " " + gapMs);
    String sent = producer.awaitLine("SENT", Duration.ofMinutes(30));
    long end = phase.done().get(30, TimeUnit.MINUTES);
    String[] w = sent.split(" ");
    int failures = Integer.parseInt(w[1]);
    List<Double> latencies = new ArrayList<>(count);
    for (String line : Files.readAllLines(Path.of(w[2]))) {
      String[] gt = line.split(" ");
      Long started = startedMicros.get(gt[0]);
      if (started != null) {
        latencies.add((started - Long.parseLong(gt[1])) / 1000.0);
      }
    }
    Files.deleteIfExists(Path.of(w[2]));
    latencies.sort(Double::compare);
    return new PhaseResult(end, failures, latencies);
  }

  private void ended(JsonObject task) {
    String guid = task.getString("guid");
    int dash = guid == null ? -1 : guid.indexOf('-');
    Phase phase = dash < 0 ? null : phases.get(guid.substring(0, dash));
    if (phase == null) {
      return;
    }
    String started = task.getString("started_at");
    if (started != null) {
      Instant i = io.tef.protocol.json.IsoInstants.parse(started);
      startedMicros.put(guid, i.getEpochSecond() * 1_000_000 + i.getNano() / 1000);
    }
    if (phase.ended().incrementAndGet() == phase.count()) {
      phase.done().complete(System.nanoTime());
    }
  }

  /** RabbitMQ's Erlang VM on this machine, if one runs. */
  private static ProcessHandle broker() {
    return ProcessHandle.allProcesses().filter(p -> p.info().command().map(c -> c.contains("beam.smp")).orElse(false))
        .findFirst().orElse(null);
  }

  private static Duration cpuOf(ProcessHandle p) {
    return p.info().totalCpuDuration().orElse(Duration.ZERO);
  }

  private void print(PhaseResult load, double wall, double self, List<ChildProcess> measured, List<Double> used, double brokerUsed,
                     PhaseResult idle) {
    System.out.println();
    System.out.printf(Locale.ROOT, "TEF bench as deployed: %d no-op (echo) tasks, %d worker JVM%s x %d slots, producer: %s process, %d in flight%n",
        s.tasks(), s.workerJvms(), s.workerJvms() == 1 ? "" : "s", s.slots(), s.producer().name().toLowerCase(Locale.ROOT), s.inFlight());
    System.out.println("| measure                       | value      |");
    System.out.println("|-------------------------------|------------|");
    row("drain (tasks/s)", s.tasks() / wall);
    row("submit-to-start p50 (ms)", percentile(load.latenciesMs(), 50));
    row("submit-to-start p99 (ms)", percentile(load.latenciesMs(), 99));
    if (idle != null) {
      row("idle submit-to-start p50 (ms)", percentile(idle.latenciesMs(), 50));
      row("idle submit-to-start p99 (ms)", percentile(idle.latenciesMs(), 99));
    }
    row("failed submissions", load.failures());
    double total = self;
    row("cpu ms/task: node (this JVM)", 1000 * self / s.tasks());
    for (int i = 0; i < measured.size(); i++) {
      total += used.get(i);
      row("cpu ms/task: " + measured.get(i).name(), 1000 * used.get(i) / s.tasks());
    }
    if (s.producer() == Submitter.Door.AMQP) {
      total += brokerUsed;
      row("cpu ms/task: rabbitmq", 1000 * brokerUsed / s.tasks());
    }
    row("cpu ms/task: all processes", 1000 * total / s.tasks());
    System.out.printf(Locale.ROOT, "cpu during the measure (%.1f s wall, %d cores): %.1f s, %.0f %% of the machine%n",
        wall, Runtime.getRuntime().availableProcessors(), total, 100 * total / (wall * Runtime.getRuntime().availableProcessors()));
    System.out.printf(Locale.ROOT, "tasks/s: %.0f  cpu ms/task: %.3f  submit-to-start p50 ms: %.1f  p99 ms: %.1f%s%n",
        s.tasks() / wall, 1000 * total / s.tasks(), percentile(load.latenciesMs(), 50), percentile(load.latenciesMs(), 99),
        idle == null ? "" : String.format(Locale.ROOT, "  idle p50 ms: %.2f  p99 ms: %.2f", percentile(idle.latenciesMs(), 50), percentile(idle.latenciesMs(), 99)));
  }

  private static void row(String name, double value) {
    System.out.printf(Locale.ROOT, "| %-29s | %10.2f |%n", name, value);
  }

  private static double percentile(List<Double> sorted, double p) {
    if (sorted.isEmpty()) {
      return Double.NaN;
    }
    int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(index, sorted.size() - 1)));
  }

  private static double selfCpu() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime() / 1e9;
  }

  static Map<String, Object> nodeOverrides(Settings s) {
    Map<String, Object> o = new HashMap<>();
    o.put("cluster.enabled", true);
    o.put("cluster.host", "127.0.0.1");
    o.put("cluster.name", s.clusterName());
    if (s.producer() == Submitter.Door.AMQP) {
      o.put("amqp.url", s.amqpUrl());
      o.put("amqp.env", s.amqpEnv());
    }
    return o;
  }
}
