package io.tef.bench;

import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * The Task Engine's door as deployed: {@code java -cp tef-bench.jar io.tef.bench.ZmqMain}. Starts
 * {@code tef node --zmq-port P --demo-workers N} (the jar, its own JVM, the embedded H2 store:
 * every call a durable task), then from this process, as a Task Engine client would: one REQ
 * socket making sequential calls (latency per call), then 64 DEALER sockets each with one call in
 * flight (calls per second), and prints CPU per call of the node and of this client.
 */
@Command(name = "zmq", mixinStandardHelpOptions = true, description = "The ZeroMQ door: sequential latency and concurrent calls/s.")
public final class ZmqMain implements Callable<Integer> {

  @Option(names = "--node-jar", description = "The node jar (default ${DEFAULT-VALUE}).", defaultValue = "node/target/tef.jar")
  Path nodeJar;

  @Option(names = "--sequential", description = "Calls one after another from one REQ socket (default ${DEFAULT-VALUE}).", defaultValue = "1000")
  int sequential;

  @Option(names = "--dealers", description = "DEALER sockets with one call in flight each (default ${DEFAULT-VALUE}).", defaultValue = "64")
  int dealers;

  @Option(names = "--calls", description = "Calls made by the DEALERs in all (default ${DEFAULT-VALUE}).", defaultValue = "20000")
  int calls;

  @Option(names = "--demo-workers", description = "In-node workers running task_get_count (default ${DEFAULT-VALUE}).", defaultValue = "2")
  int demoWorkers;

  @Option(names = "--node-jvm-flags", description = "Flags for the node's JVM, space-separated (e.g. a flight recording).", defaultValue = "")
  String nodeJvmFlags;

  @Option(names = "--warmup", description = "Calls made first and not measured (default ${DEFAULT-VALUE}).", defaultValue = "3000")
  int warmup;

  private static final byte[] META = ("{\"type\": \"REQ\", \"version\": 0.1, \"role\": \"requestor\", \"id\": \"CLIENT\", \"pack\": 1483311405.215693}")
      .getBytes(StandardCharsets.UTF_8);

  public static void main(String[] args) {
    System.exit(new CommandLine(new ZmqMain()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Path data = Files.createTempDirectory("tef-bench-zmq");
    List<String> command = new ArrayList<>(List.of(ChildProcess.java()));
    command.addAll(java.util.Arrays.stream(nodeJvmFlags.split(" ")).filter(f -> !f.isBlank()).toList());
    command.addAll(List.of("-jar", nodeJar.toString(), "node", "--data-dir", data.toString(),
        "--http-port", "0", "--zmq-port", String.valueOf(port), "--demo-workers", String.valueOf(demoWorkers)));
    ChildProcess node = ChildProcess.start("node", command, Map.of());
    try (ZContext ctx = new ZContext()) {
      node.awaitLine("ZeroMQ door", Duration.ofSeconds(60));
      String endpoint = "tcp://127.0.0.1:" + port;
      ZMQ.Socket req = ctx.createSocket(SocketType.REQ);
      req.setReceiveTimeOut(30_000);
      req.connect(endpoint);
      for (int i = 0; i < warmup; i++) {
        callOnce(req, i);
      }
      Duration nodeCpu0 = node.cpu();
      long ownCpu0 = ownCpuNanos();
      List<Double> latencies = new ArrayList<>(sequential);
      long start = System.nanoTime();
      for (int i = 0; i < sequential; i++) {
        long t = System.nanoTime();
        callOnce(req, i);
        latencies.add((System.nanoTime() - t) / 1e6);
      }
      double sequentialSeconds = (System.nanoTime() - start) / 1e9;
      double seqNodeMs = (node.cpu().minus(nodeCpu0).toNanos() / 1e6) / sequential;
      double seqOwnMs = ((ownCpuNanos() - ownCpu0) / 1e6) / sequential;
      Collections.sort(latencies);

      List<ZMQ.Socket> sockets = new ArrayList<>();
      ZMQ.Poller poller = ctx.createPoller(dealers);
      for (int d = 0; d < dealers; d++) {
        ZMQ.Socket s = ctx.createSocket(SocketType.DEALER);
        s.connect(endpoint);
        sockets.add(s);
        poller.register(s, ZMQ.Poller.POLLIN);
      }
      Duration nodeCpu1 = node.cpu();
      long ownCpu1 = ownCpuNanos();
      int sent = 0;
      int answered = 0;
      int wrong = 0;
      start = System.nanoTime();
      for (ZMQ.Socket s : sockets) {
        if (sent < calls) {
          send(s, sent++);
        }
      }
      while (answered < sent) {
        if (poller.poll(30_000) <= 0) {
          throw new IllegalStateException("no answer in 30 s; " + answered + " of " + sent + " answered");
        }
        for (int d = 0; d < dealers; d++) {
          if (poller.pollin(d)) {
            ZMQ.Socket s = sockets.get(d);
            s.recv(0); // the empty delimiter
            s.recv(0); // META
            String answer = s.recvStr(0);
            if (!answer.startsWith("{\"data\":") || answer.contains("ERROR")) {
              wrong++;
            }
            answered++;
            if (sent < calls) {
              send(s, sent++);
            }
          }
        }
      }
      double concurrentSeconds = (System.nanoTime() - start) / 1e9;
      double conNodeMs = (node.cpu().minus(nodeCpu1).toNanos() / 1e6) / calls;
      double conOwnMs = ((ownCpuNanos() - ownCpu1) / 1e6) / calls;

      System.out.println();
      System.out.printf(Locale.ROOT, "TEF ZeroMQ door: node with %d in-node workers, embedded H2 store (durable), client in its own process%n", demoWorkers);
      System.out.println("| measure                                  | value      |");
      System.out.println("|------------------------------------------|------------|");
      row("sequential calls (one REQ)", sequential);
      row("  per call p50 (ms)", percentile(latencies, 50));
      row("  per call p90 (ms)", percentile(latencies, 90));
      row("  per call p99 (ms)", percentile(latencies, 99));
      row("  per call max (ms)", percentile(latencies, 100));
      row("  calls/s", sequential / sequentialSeconds);
      row("  CPU per call, node (ms)", seqNodeMs);
      row("  CPU per call, client (ms)", seqOwnMs);
      row("concurrent calls (" + dealers + " DEALERs, 1 in flight each)", calls);
      row("  calls/s", calls / concurrentSeconds);
      row("  CPU per call, node (ms)", conNodeMs);
      row("  CPU per call, client (ms)", conOwnMs);
      row("  wrong or error answers", wrong);
      System.out.printf(Locale.ROOT, "zmq sequential p50 ms: %.2f  p99 ms: %.2f  concurrent calls/s: %.0f%n",
          percentile(latencies, 50), percentile(latencies, 99), calls / concurrentSeconds);
      return wrong == 0 ? 0 : 1;
    } finally {
      ChildProcess.closeAll(List.of(node));
    }
  }

  private static void send(ZMQ.Socket dealer, int i) {
    dealer.send(new byte[0], ZMQ.SNDMORE);
    dealer.send(META, ZMQ.SNDMORE);
    dealer.send(task(i), 0);
  }

  private static void callOnce(ZMQ.Socket req, int i) {
    req.send(META, ZMQ.SNDMORE);
    req.send(task(i), 0);
    byte[] meta = req.recv(0);
    if (meta == null) {
      throw new IllegalStateException("no answer to call " + i + " in 30 s");
    }
    String data = req.recvStr(0);
    if (!data.equals("{\"data\":" + (i + 1) + ",\"pack\":" + data.substring(data.indexOf("\"pack\":") + 7))) {
      throw new IllegalStateException("call " + i + " answered " + data);
    }
  }

  private static byte[] task(int i) {
    return ("{\"task\": \"task_get_count\", \"args\": [" + i + ", 1], \"kwargs\": {}, \"pack\": 1483311405.215693}").getBytes(StandardCharsets.UTF_8);
  }

  private static long ownCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
  }

  private static double percentile(List<Double> sorted, double p) {
    int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(index, sorted.size() - 1)));
  }

  private static void row(String name, double value) {
    System.out.printf(Locale.ROOT, "| %-40s | %10.2f |%n", name, value);
  }
}
