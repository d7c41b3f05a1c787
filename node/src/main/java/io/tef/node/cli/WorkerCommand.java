package io.tef.node.cli;

import io.tef.core.config.ConfigException;
import io.tef.core.config.ConfigLoader;
import io.tef.core.config.TefConfig;
import io.tef.node.TefNode;
import io.tef.worker.BuiltInHandlers;
import io.tef.worker.HandlerJars;
import io.tef.worker.ShellHandler;
import io.tef.worker.TaskHandler;
import io.tef.worker.TefWorker;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code tef worker}: a worker process (Qworker's bin/qworker). It joins the nodes' cluster and
 * runs the built-in handlers and those found in jars under --paths; --standalone runs a whole
 * node in the same process instead.
 */
@Command(name = "worker", mixinStandardHelpOptions = true,
    description = {"Runs a TEF worker: registers, heartbeats, runs a task per slot (--slots, default 1),",
        "and on SIGTERM lets running tasks finish for --stop-grace (default 0) before handing them back.",
        "Every option can also come from a TEF_WORKER_<OPTION> environment variable (TEF_WORKER_TASKS=a,b)",
        "or from the --config file (YAML or JSON: id, tasks, paths, ping, slots, stop_grace, cluster, cluster_host, standalone, allow_shell);",
        "the command line wins, then the environment, then the file."},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:stopped normally", "1:failed while starting, or refused by the registry", "2:bad option"})
final class WorkerCommand implements Callable<Integer> {

  private static final Logger LOG = LoggerFactory.getLogger(WorkerCommand.class);

  @Spec
  CommandSpec spec;

  @Option(names = {"-i", "--id"}, paramLabel = "ID", description = "Unique worker id (default worker-<pid>).")
  String id;

  @Option(names = {"-t", "--tasks"}, split = ",", paramLabel = "TYPE", description = "Task types to run (required): built-ins echo, sleep, fail, shell, task_get_count, task_get_average, or types from --paths.")
  List<String> tasks;

  @Option(names = {"-p", "--paths"}, split = ",", paramLabel = "DIR", description = "Folders of task jars, each task with its <task>.json metadata.")
  List<Path> paths;

  @Option(names = "--ping", paramLabel = "DURATION", description = "Heartbeat interval, announced to the node: 500ms, 5s, 1m (100ms to 1h; default: the node's, 5s).")
  String ping;

  @Option(names = "--slots", paramLabel = "N", description = "Tasks run at once (1 to 64, default 1); each slot registers as <id>:1 .. <id>:N, one slot as <id>.")
  String slots;

  @Option(names = "--stop-grace", paramLabel = "DURATION", description = "On SIGTERM, how long running tasks may finish before they are handed back: 0, 30s, 2m (default 0).")
  String stopGrace;

  @Option(names = "--cluster", description = "Join the nodes' Hazelcast cluster (conf/cluster.xml).")
  Boolean cluster;

  @Option(names = "--cluster-host", paramLabel = "HOST", description = "Address this process's event bus binds to (default 127.0.0.1).")
  String clusterHost;

  @Option(names = {"-s", "--standalone"}, description = "Run a whole node (embedded store, dispatcher, gateway) in this process instead of joining a cluster.")
  Boolean standalone;

  @Option(names = "--allow-shell", description = "Offer the shell task type (runs task_data.command with sh -c). Off unless given: whoever submits tasks runs commands.")
  Boolean allowShell;

  @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "YAML or JSON file with any of the options.")
  Path configFile;

  @Override
  public Integer call() throws Exception {
    WorkerSettings s;
    try {
      s = WorkerSettings.resolve(this, System.getenv());
    } catch (IllegalArgumentException e) {
      spec.commandLine().getErr().println("tef worker: " + e.getMessage());
      return 2;
    }
    TefConfig config;
    try {
      Map<String, Object> overrides = new LinkedHashMap<>();
      if (s.cluster()) {
        overrides.put("cluster.enabled", true);
        if (s.clusterHost() != null) {
          overrides.put("cluster.host", s.clusterHost());
        }
      }
      config = ConfigLoader.loadBlocking(System.getenv(), overrides);
    } catch (ConfigException e) {
      spec.commandLine().getErr().println("tef worker: " + e.getMessage());
      return 2;
    }
    TefNode node = null;
    Vertx vertx;
    try {
      if (s.standalone()) {
        node = TefNode.start(config, System.getenv("TEF_CONFIG"));
        vertx = node.vertx();
      } else {
        vertx = TefNode.createVertx(config, System.getenv("TEF_CONFIG"));
      }
    } catch (Exception e) {
      LOG.error("The worker could not start", e);
      spec.commandLine().getErr().println("tef worker: could not start: " + e.getMessage());
      return 1;
    }
    Map<String, TaskHandler> handlers;
    try {
      handlers = handlers(vertx, s);
    } catch (IllegalArgumentException e) {
      spec.commandLine().getErr().println("tef worker: " + e.getMessage());
      close(node, vertx);
      return 2;
    }
    TefWorker.Builder builder = TefWorker.builder(s.id()).handleAll(handlers);
    if (s.ping() != null) {
      builder.pingInterval(s.ping());
    }
    builder.slots(s.slots()).stopGrace(s.stopGrace());
    TefWorker worker = builder.build();
    try {
      // Not node.addWorker: the worker is stopped here first, with time for its stop grace.
      vertx.deployVerticle(worker).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
      worker.registration().toCompletionStage().toCompletableFuture().get(10, TimeUnit.MINUTES);
    } catch (Exception e) {
      String reason = e.getCause() != null ? e.getCause().getMessage() : e.getMessage();
      spec.commandLine().getErr().println("tef worker: " + s.id() + " was refused: " + reason);
      close(node, vertx);
      return 1;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    TefNode ownNode = node;
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      stop(worker, vertx, s.stopGrace());
      close(ownNode, vertx);
      stopped.countDown();
    }, "tef-worker-shutdown"));
    spec.commandLine().getOut().println("TEF worker " + s.id() + " ready: tasks " + handlers.keySet()
        + (s.slots() > 1 ? ", " + s.slots() + " slots " + worker.names() : "")
        + (s.standalone() ? " (standalone, http port " + ownNode.httpPort() + ")" : " (cluster)"));
    spec.commandLine().getOut().flush();
    stopped.await();
    return 0;
  }

  private static Map<String, TaskHandler> handlers(Vertx vertx, WorkerSettings s) {
    Map<String, TaskHandler> available = new LinkedHashMap<>(BuiltInHandlers.all(vertx));
    if (s.allowShell()) {
      available.put("shell", new ShellHandler(vertx));
    }
    for (HandlerJars.Loaded l : HandlerJars.load(vertx, s.paths())) {
      if (available.containsKey(l.taskType())) {
        throw new IllegalArgumentException("--paths: task type '" + l.taskType() + "' clashes with a built-in");
      }
      available.put(l.taskType(), l.handler());
      LOG.info("Loaded task {} ({}) from {}", l.taskType(), l.metadata().getString("name", l.taskType()), l.metadataFile());
    }
    Map<String, TaskHandler> chosen = new LinkedHashMap<>();
    for (String t : s.tasks()) {
      TaskHandler h = available.get(t);
      if (h == null) {
        throw new IllegalArgumentException("--tasks: no handler for task type '" + t + "'"
            + ("shell".equals(t) ? " (shell needs --allow-shell)" : "") + "; available: " + available.keySet());
      }
      chosen.put(t, h);
    }
    return chosen;
  }

  /** Undeploys the worker, which lets running tasks finish for up to the stop grace. */
  private static void stop(TefWorker worker, Vertx vertx, Duration grace) {
    try {
      vertx.undeploy(worker.deploymentID()).toCompletionStage().toCompletableFuture()
          .get(grace.toMillis() + 30_000, TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      LOG.warn("The worker did not stop cleanly: {}", e.toString());
    }
  }

  private static void close(TefNode node, Vertx vertx) {
    try {
      if (node != null) {
        node.close();
      } else {
        vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      }
    } catch (Exception e) {
      LOG.warn("Stopping did not finish cleanly: {}", e.toString());
    }
  }

  /** The options after the environment and the config file filled the gaps. */
  record WorkerSettings(String id, List<String> tasks, List<Path> paths, Duration ping, int slots, Duration stopGrace,
                        boolean cluster, String clusterHost, boolean standalone, boolean allowShell) {

    static WorkerSettings resolve(WorkerCommand c, Map<String, String> env) {
      Map<String, Object> file = c.configFile != null || env.get("TEF_WORKER_CONFIG") != null
          ? WorkerConfigFile.read(c.configFile != null ? c.configFile : Path.of(env.get("TEF_WORKER_CONFIG")))
          : Map.of();
      WorkerOption o = new WorkerOption(env, file);
      String id = o.string(c.id, "id", "worker-" + ProcessHandle.current().pid());
      List<String> tasks = o.list(c.tasks, "tasks");
      if (tasks.isEmpty()) {
        throw new IllegalArgumentException("--tasks: name at least one task type (or set TEF_WORKER_TASKS)");
      }
      if (!id.matches("[A-Za-z0-9_.:-]{1,200}")) {
        throw new IllegalArgumentException("--id: must be 1 to 200 characters of letters, digits and _ . : -, got '" + id + "'");
      }
      List<Path> paths = o.list(c.paths == null ? null : c.paths.stream().map(Path::toString).toList(), "paths").stream().map(Path::of).toList();
      String pingText = o.string(c.ping, "ping", null);
      Duration ping = pingText == null ? null : WorkerOption.duration(pingText, "--ping");
      if (ping != null && ping.toMillis() > io.tef.protocol.worker.WorkerRegistration.MAX_PING_MS) {
        throw new IllegalArgumentException("--ping: must be at most 1h, got " + pingText);
      }
      String slotsText = o.string(c.slots, "slots", "1");
      int slots;
      try {
        slots = Integer.parseInt(slotsText.trim());
      } catch (NumberFormatException e) {
        slots = 0;
      }
      if (slots < 1 || slots > TefWorker.MAX_SLOTS) {
        throw new IllegalArgumentException("--slots: must be a whole number from 1 to " + TefWorker.MAX_SLOTS + ", got '" + slotsText + "'");
      }
      String longest = TefWorker.slotNames(id, slots).get(slots - 1);
      if (longest.length() > 200) {
        throw new IllegalArgumentException("--id: too long for " + slots + " slots ('" + longest + "' is over 200 characters)");
      }
      Duration stopGrace = WorkerOption.duration(o.string(c.stopGrace, "stop_grace", "0"), "--stop-grace", 0);
      boolean cluster = o.flag(c.cluster, "cluster");
      boolean standalone = o.flag(c.standalone, "standalone");
      if (cluster == standalone) {
        throw new IllegalArgumentException(cluster ? "--cluster and --standalone exclude each other"
            : "say where tasks come from: --cluster (join the nodes' cluster) or --standalone (run a node in this process)");
      }
      return new WorkerSettings(id, tasks, paths, ping, slots, stopGrace, cluster, o.string(c.clusterHost, "cluster_host", null), standalone,
          o.flag(c.allowShell, "allow_shell"));
    }
  }
}
