package io.tef.node.cli;

import io.tef.core.config.ConfigException;
import io.tef.core.config.ConfigLoader;
import io.tef.core.config.TefConfig;
import io.tef.node.TefNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code tef node}: runs a node until SIGTERM or Ctrl-C, then stops it gracefully. */
@Command(name = "node", mixinStandardHelpOptions = true,
    description = {"Runs a TEF node: dispatcher, collective, registry and HTTP gateway by default.",
        "Configuration: conf/<TEF_ENV>.yaml (TEF_ENV defaults to dev; TEF_CONFIG names another folder),",
        "then TEF_<KEY> environment variables (TEF_HTTP_PORT for http.port), then these options."},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:stopped normally", "1:failed while starting", "2:bad option or configuration",
        "3:not ready within --ready-timeout (the reasons are printed)"})
final class NodeCommand implements Callable<Integer> {

  private static final Logger LOG = LoggerFactory.getLogger(NodeCommand.class);

  @Spec
  CommandSpec spec;

  @Option(names = "--data-dir", paramLabel = "DIR", description = "Folder of the embedded store (node.data_dir; default ./data).")
  String dataDir;

  @Option(names = "--http-port", paramLabel = "PORT", description = "HTTP port (http.port; default 8080; 0 = any free port).")
  Integer httpPort;

  @Option(names = "--tcp-bridge-port", paramLabel = "PORT", description = "Serve the TCP event-bus bridge on this port (eventbus.tcp_bridge.port; default off; 0 = any free port).")
  Integer tcpBridgePort;

  @Option(names = "--zmq-port", paramLabel = "PORT", description = "Serve Task Engine clients over ZeroMQ on this port (zmq.port; default off; 0 = any free port; the Task Engine used 9000).")
  Integer zmqPort;
  @Option(names = "--qworker", description = "Be the manager of Qworker workers (qworker.enabled): they reach this node's store with --mongo mongodb://HOST:PORT/tef (serve it with --store-listen).")
  Boolean qworker;

  @Option(names = "--http-host", paramLabel = "HOST", description = "Address the gateway listens on (http.host; default 127.0.0.1; another needs API keys or auth.open).")
  String httpHost;

  @Option(names = "--roles", split = ",", paramLabel = "ROLE", description = "Verticles to deploy: dispatcher,collective,registry,gateway,bridge (node.roles; default all; bridge only with an AMQP URL).")
  List<String> roles;

  @Option(names = "--demo-workers", paramLabel = "N", description = "Also run N in-process workers for echo, sleep, fail, task_get_count and task_get_average (node.demo_workers).")
  Integer demoWorkers;

  @Option(names = "--store-url", paramLabel = "URL", description = "Use this MongoDB instead of the embedded store (mongo.connection_string).")
  String storeUrl;

  @Option(names = "--cluster", description = "Join a Hazelcast cluster (cluster.enabled; conf/cluster.xml is loopback-only).")
  Boolean cluster;

  @Option(names = "--cluster-host", paramLabel = "HOST", description = "Address the event bus and Hazelcast bind to (cluster.host; default 127.0.0.1).")
  String clusterHost;

  @Option(names = "--cluster-members", split = ",", paramLabel = "HOST[:PORT]", description = "Hazelcast members to join (cluster.members; default those of conf/cluster.xml: 127.0.0.1).")
  List<String> clusterMembers;

  @Option(names = "--ha", description = "Vert.x high availability (cluster.ha): if this node dies, its dispatcher, collective and registry are deployed again on another --ha node.")
  Boolean ha;

  @Option(names = "--ha-group", paramLabel = "GROUP", description = "HA group (cluster.ha_group; default tef).")
  String haGroup;

  @Option(names = "--store-listen", paramLabel = "[HOST:]PORT", description = "Serve the embedded store on this port (mongo.embedded_port, host mongo.embedded_host, default 127.0.0.1) so other nodes can use it with --store-url mongodb://HOST:PORT.")
  String storeListen;

  @Option(names = "--name", paramLabel = "NAME", description = "This node's name (node.name; default <host>-<pid>).")
  String name;

  @Option(names = "--log-format", paramLabel = "FORMAT", description = "text (default) or json: one JSON object per line, task fields as keys (logging.format).")
  String logFormat;

  @Option(names = "--ready-timeout", paramLabel = "SECONDS", description = "Exit with code 3, saying why, unless /health/ready answers UP within this many seconds of the start (default 0: do not wait).")
  int readyTimeoutS;

  @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Set any configuration key, e.g. --set dispatcher.default_max_attempts=5; a list as a,b or [a, b], a map as {db: {limit: 1}}.")
  Map<String, String> settings = new LinkedHashMap<>();

  @Override
  public Integer call() throws Exception {
    TefConfig config;
    try {
      config = load();
      LogSetup.apply(config.logging());
    } catch (ConfigException e) {
      spec.commandLine().getErr().println("tef: " + e.getMessage());
      return 2;
    }
    if (readyTimeoutS < 0) {
      spec.commandLine().getErr().println("tef: --ready-timeout: must be 0 (do not wait) or a number of seconds, got " + readyTimeoutS);
      return 2;
    }
    TefNode node;
    try {
      node = TefNode.start(config, System.getenv("TEF_CONFIG"));
    } catch (ConfigException e) {
      spec.commandLine().getErr().println("tef: " + e.getMessage());
      return 2;
    } catch (Exception e) {
      LOG.error("The node could not start", e);
      spec.commandLine().getErr().println("tef: the node could not start: " + describe(e));
      return 1;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      node.close();
      stopped.countDown();
    }, "tef-shutdown"));
    String http = node.httpPort() > 0 ? (config.http().tls().enabled() ? "https://" : "http://") + displayHost(config.http().host()) + ":" + node.httpPort() : "no gateway";
    spec.commandLine().getOut().println("TEF node " + config.node().name() + " ready: " + http + " (roles " + config.node().roles()
        + ", store " + (config.mongo().embedded() ? "embedded in " + config.node().dataDir() : "external") + ")");
    if (node.httpPort() > 0) {
      spec.commandLine().getOut().println(doors(config));
    }
    if (node.vertx().sharedData().getLocalMap(io.tef.core.NodeInfo.MAP).get(io.tef.core.NodeInfo.TCP_BRIDGE_PORT) instanceof Integer tcp) {
      spec.commandLine().getOut().println("TCP event-bus bridge: " + config.eventbus().tcpBridge().host() + ":" + tcp);
    }
    if (node.vertx().sharedData().getLocalMap(io.tef.core.NodeInfo.MAP).get(io.tef.core.NodeInfo.ZMQ_PORT) instanceof Integer zmq) {
      spec.commandLine().getOut().println("ZeroMQ door (Task Engine clients): tcp://" + config.zmq().host() + ":" + zmq
          + (config.zmq().curve().enabled() ? " (CurveZMQ, " + config.zmq().curve().clients().size() + " client key(s))" : " (plain ZeroMQ)"));
    }
    spec.commandLine().getOut().flush();
    if (readyTimeoutS > 0) {
      String notReady = ReadyWait.within(node, config, readyTimeoutS);
      if (notReady != null) {
        spec.commandLine().getErr().println("tef: the node is not ready after " + readyTimeoutS + " s: " + notReady);
        node.close();
        return 3;
      }
      spec.commandLine().getOut().println("Ready: /health/ready answers UP");
      spec.commandLine().getOut().flush();
    }
    stopped.await();
    return 0;
  }

  private TefConfig load() throws Exception {
    Map<String, Object> overrides = new LinkedHashMap<>(settings);
    put(overrides, "node.data_dir", dataDir);
    put(overrides, "logging.format", logFormat);
    put(overrides, "http.port", httpPort);
    put(overrides, "http.host", httpHost);
    put(overrides, "eventbus.tcp_bridge.port", tcpBridgePort);
    put(overrides, "zmq.port", zmqPort);
    put(overrides, "qworker.enabled", qworker);
    put(overrides, "node.roles", roles);
    put(overrides, "node.demo_workers", demoWorkers);
    put(overrides, "mongo.connection_string", storeUrl);
    put(overrides, "cluster.enabled", cluster);
    put(overrides, "cluster.host", clusterHost);
    put(overrides, "node.name", name);
    put(overrides, "cluster.members", clusterMembers);
    put(overrides, "cluster.ha", ha);
    put(overrides, "cluster.ha_group", haGroup);
    if (storeListen != null) {
      if (storeUrl != null) {
        throw new ConfigException("--store-listen", "serves the embedded store; it cannot go with --store-url");
      }
      String[] hostPort = storeListen.contains(":") ? storeListen.split(":", 2) : new String[] {null, storeListen};
      try {
        put(overrides, "mongo.embedded_port", Integer.parseInt(hostPort[1]));
      } catch (NumberFormatException e) {
        throw new ConfigException("--store-listen", "must be PORT or HOST:PORT, got '" + storeListen + "'");
      }
      put(overrides, "mongo.embedded_host", hostPort[0]);
    }
    return ConfigLoader.loadBlocking(System.getenv(), overrides);
  }

  /** The innermost cause that says something, e.g. "cannot listen on 0.0.0.0:8080: Address already in use". */
  private static String describe(Throwable e) {
    String text = e.toString();
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t.getMessage() != null && !(t instanceof java.util.concurrent.ExecutionException)) {
        text = t.getMessage();
      }
    }
    return text;
  }

  private static void put(Map<String, Object> overrides, String key, Object value) {
    if (value != null) {
      overrides.put(key, value);
    }
  }

  /** Whether the doors ask for keys, said at start so that nobody runs open doors unknowingly. */
  private static String doors(TefConfig config) {
    int keys = config.auth().keyRing().size();
    if (keys > 0) {
      return "Doors: API keys required (" + keys + " key" + (keys == 1 ? "" : "s") + " configured)";
    }
    return "Doors: OPEN, no API keys: /api answers everyone who can reach " + config.http().host()
        + (config.auth().open() ? " (auth.open: true)" : " (loopback only; set auth.api_keys or TEF_API_KEYS to require keys)")
        + "; wokmanager's /worker door is closed until keys are set";
  }

  private static String displayHost(String host) {
    return "0.0.0.0".equals(host) ? "localhost" : host;
  }
}
