package io.tef.core.config;

import io.tef.core.auth.KeyRing;
import io.tef.core.auth.Loopback;
import io.tef.protocol.json.JsonLimits;
import io.tef.protocol.task.TaskDefaults;

import io.tef.core.resource.ResourceDefinition;
import io.tef.protocol.ValidationException;
import io.vertx.core.json.JsonObject;

import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The whole configuration of a node. Keys are the snake_case names of these records' components;
 * {@code core/src/main/resources/tef-defaults.yaml} lists every key with its default.
 */
public record TefConfig(String env, Node node, Http http, Mongo mongo, Cluster cluster,
                        Dispatcher dispatcher, Collective collective, Map<String, Map<String, Object>> resources,
                        Auth auth, Registry registry, Map<String, Map<String, Object>> taskTypes, Amqp amqp,
                        Tasker tasker, Limits limits, EventBus eventbus, ZmqSettings zmq,
                        MetricsSettings metrics, RetentionSettings retention, LoggingSettings logging,
                        QworkerSettings qworker) {

  public static final Set<String> ROLES = Set.of("dispatcher", "collective", "registry", "gateway", "bridge");

  public record Node(String name, String dataDir, List<String> roles, int demoWorkers) {
  }

  /**
   * {@code body_limit}: REST's own byte limit; 0 means {@code limits.max_bytes}. {@code allowed_origins}:
   * web origins other than the node's own whose pages may call it (CORS); none by default.
   */
  public record Http(String host, int port, long bodyLimit, List<String> allowedOrigins, Tls tls) {
  }

  /** Doors onto the event bus for programs that do not join the cluster. */
  public record EventBus(TcpBridge tcpBridge) {
  }

  /**
   * Vert.x's TCP event-bus bridge protocol (4-byte length, a JSON frame) on {@code host:port};
   * {@code port} -1: off, 0: any free port. {@code maxInFlight}: requests one connection may have
   * unanswered before the bridge stops reading from it.
   */
  public record TcpBridge(String host, int port, int maxInFlight) {

    public boolean enabled() {
      return port >= 0;
    }
  }

  /** PEM files of the gateway's certificate (chain) and private key; HTTPS when both are set. */
  public record Tls(String cert, String key) {

    public boolean enabled() {
      return cert != null && !cert.isBlank();
    }
  }

  /** The bounds every door puts on a message ({@link JsonLimits}); one set for REST, AMQP and the event bus. */
  public record Limits(long maxBytes, int maxDepth, int maxMembers, int maxKeyLength) {

    public JsonLimits json() {
      return new JsonLimits(maxBytes, maxDepth, maxMembers, maxKeyLength);
    }
  }

  /** The byte limit of a REST request body. */
  public long restBodyLimit() {
    return http.bodyLimit() > 0 ? http.bodyLimit() : limits.maxBytes();
  }

  /** An empty connection string means: start the embedded store. */
  public record Mongo(String connectionString, String database, String embeddedBackend, String embeddedHost,
                      int embeddedPort) {

    public boolean embedded() {
      return connectionString == null || connectionString.isBlank();
    }
  }

  /** {@code name}: nodes join only a cluster of the same name; several clusters may share a host. */
  /**
   * {@code ha}: Vert.x high availability: the dispatcher, collective and registry of a node that
   * dies are deployed again on a live node of the same {@code ha_group}, once {@code quorum_size}
   * nodes of the group are up.
   */
  public record Cluster(boolean enabled, String host, int port, String configFile, String name, List<String> members,
                        boolean ha, String haGroup, int quorumSize, ClusterTls tls) {

    /** The same cluster without TLS on its event bus (for code that builds one by hand). */
    public Cluster(boolean enabled, String host, int port, String configFile, String name, List<String> members,
                   boolean ha, String haGroup, int quorumSize) {
      this(enabled, host, port, configFile, name, members, ha, haGroup, quorumSize, new ClusterTls("", "", ""));
    }
  }

  /**
   * TLS between the members' event buses: this member's certificate and key, and the CA
   * certificates a member's must be signed by (PEM files); on when {@code cert} is set. Every
   * member (nodes, worker processes, clustered clients) needs it then.
   */
  public record ClusterTls(String cert, String key, String ca) {

    public boolean enabled() {
      return cert != null && !cert.isBlank();
    }
  }

  public record Dispatcher(int defaultPriority, int defaultTimeLimit, int defaultMaxAttempts,
                           long retryBackoffBaseMs, long retryBackoffCapMs, long dispatchTimeoutMs, String timezone,
                           int instances, long leaseRenewMs, long leaseTtlMs, long startWriteDelayMs, long agendaTakeInMs) {

    public TaskDefaults taskDefaults() {
      return new TaskDefaults(defaultPriority, defaultTimeLimit, defaultMaxAttempts);
    }

    /** The zone resource windows and cron schedules use unless they name their own. */
    public ZoneId zone() {
      return timezone == null || timezone.isBlank() ? ZoneId.systemDefault() : ZoneId.of(timezone);
    }
  }

  /** The resources defined in configuration; written to the store when a dispatcher starts. */
  public List<ResourceDefinition> resourceDefinitions() {
    List<ResourceDefinition> defs = new ArrayList<>();
    if (resources == null) {
      return defs;
    }
    resources.forEach((name, def) -> {
      try {
        defs.add(ResourceDefinition.parse(name, def == null ? null : new JsonObject(def), dispatcher.zone(), "resources." + name + "."));
      } catch (ValidationException e) {
        throw new ConfigException(e.field() == null ? "resources." + name : e.field(), e.getMessage());
      }
    });
    return defs;
  }

  /**
   * @param recordWriteIntervalMs a worker record whose only changes are ones its worker re-tells
   *                              (status, task, last seen, counters) is written at most this often
   * @param keepOfflineMs         an offline worker's record is forgotten this long after it was last seen
   */
  public record Collective(long pingIntervalMs, long recordWriteIntervalMs, long keepOfflineMs) {
  }

  /** Keys the worker REST door ({@code /worker/...}) accepts; none configured: the door refuses everyone. */
  /** {@code auto_define}: a worker bringing a task type nobody defined defines it (else it is refused). */
  public record Registry(boolean autoDefine) {
  }

  /** The task definitions in configuration; written to the store when a registry starts. */
  public List<io.tef.core.task.TaskDefinition> taskDefinitions() {
    List<io.tef.core.task.TaskDefinition> defs = new ArrayList<>();
    if (taskTypes == null) {
      return defs;
    }
    taskTypes.forEach((id, def) -> {
      try {
        defs.add(io.tef.core.task.TaskDefinition.parse(id, def == null ? new JsonObject() : new JsonObject(def), "task_types." + id + "."));
      } catch (ValidationException e) {
        throw new ConfigException(e.field() == null ? "task_types." + id : e.field(), e.getMessage());
      }
    });
    return defs;
  }

  /**
   * The AMQP door (TEF's wire protocol). No {@code url}: no bridge runs.
   *
   * @param env            the {@code <env>} of the names {@code tef.<env>.*}; empty: TEF_ENV
   * @param keeperTypes    task types whose endings go to {@code tef.<env>.keeper.<type>}; empty: every type that ends
   * @param keepers        false: no ending is published to a keeper queue and none is declared
   * @param keeperStates   the terminal states whose endings keepers get (default all three; TEF's
   *                       keepers saw completed and failed ones only)
   * @param keeperQueueMaxLength a keeper queue keeps the newest this many endings ({@code x-max-length},
   *                       {@code x-overflow: drop-head}); 0: declared without a bound, as TEF did
   * @param requeueDelayMs a message that cannot be handled right now (no dispatcher) goes back to its queue after this
   * @param reconnectMaxMs the longest wait between two connection attempts (the wait doubles from 500 ms)
   * @param workerPingIntervalMs the heartbeat interval of a worker that reaches TEF over AMQP and announces
   *                       none in its worker_status (TEF's own worker sends one every 20 s); offline after twice this
   */
  public record Amqp(String url, String user, String password, String env, int prefetch, List<String> keeperTypes,
                     boolean keepers, List<String> keeperStates, int keeperQueueMaxLength, long requeueDelayMs,
                     long reconnectMaxMs, long workerPingIntervalMs, String tlsCaFile) {

    /** The states an ending may have: a keeper gets only terminal ones. */
    public static final List<String> TERMINAL_STATES = List.of("completed", "failed", "cancelled");

    public boolean enabled() {
      return url != null && !url.isBlank();
    }

    /** The {@code <env>} of the AMQP names: its own, else the node's. */
    public String namesEnv(String nodeEnv) {
      return env == null || env.isBlank() ? nodeEnv : env;
    }
  }

  /**
   * tasker's fan-out: for each type, {@code POST /<type>} publishes to the fanout exchange
   * {@code tasker.<type>}, and every subscribed endpoint answers.
   *
   * @param taskTypes                the types served; each also names the REST path {@code /<type>}
   * @param waitForEndpointsTimeoutMs how long a POST listing endpoints waits for all of them to receive the task
   */
  public record Tasker(List<String> taskTypes, long waitForEndpointsTimeoutMs) {

    /** First path segments the gateway serves itself: a tasker type must not shadow them. */
    public static final Set<String> RESERVED = Set.of("api", "worker", "health", "metrics");
  }

  /**
   * @param apiKeys               plain keys (every role) or {@code {name, key | sha256, roles, workers}}: {@link KeyRing}
   * @param open                  no keys on purpose, on a gateway reachable beyond this machine
   * @param maxFailuresPerMinute  wrong or missing keys one client address may send in a minute before it is answered 429
   */
  public record Auth(List<Object> apiKeys, boolean open, int maxFailuresPerMinute) {

    public KeyRing keyRing() {
      return KeyRing.parse(apiKeys);
    }
  }

  /** Checks what types alone cannot; throws {@link ConfigException} naming the key. */
  public TefConfig validate() {
    if (env == null || !env.matches("[a-z0-9_-]{1,32}")) {
      throw new ConfigException("TEF_ENV", "must be 1 to 32 characters of a-z, 0-9, _ and -, got '" + env + "'");
    }
    require(node != null, "node", "is missing");
    require(node.name() != null && !node.name().isBlank(), "node.name", "must not be empty");
    require(node.dataDir() != null && !node.dataDir().isBlank(), "node.data_dir", "must not be empty");
    require(node.roles() != null && !node.roles().isEmpty(), "node.roles", "must name at least one role of " + ROLES);
    for (String role : node.roles()) {
      require(ROLES.contains(role), "node.roles", "unknown role '" + role + "'; roles are " + ROLES);
    }
    require(node.demoWorkers() >= 0 && node.demoWorkers() <= 1000, "node.demo_workers", "must be between 0 and 1000, got " + node.demoWorkers());
    require(http != null, "http", "is missing");
    port("http.port", http.port());
    require(http.allowedOrigins() != null, "http.allowed_origins", "must be a list (empty: pages of the node's own origin only)");
    require(http.tls() != null && http.tls().cert() != null && http.tls().key() != null, "http.tls", "must hold cert and key (empty: plain HTTP)");
    require(http.tls().cert().isBlank() == http.tls().key().isBlank(), http.tls().cert().isBlank() ? "http.tls.cert" : "http.tls.key",
        "is empty while the other is set: HTTPS needs both PEM files, the certificate (chain) and its private key");
    readable("http.tls.cert", http.tls().cert());
    readable("http.tls.key", http.tls().key());
    require(http.bodyLimit() >= 0, "http.body_limit", "must be 0 (limits.max_bytes) or a positive number of bytes, got " + http.bodyLimit());
    require(limits != null, "limits", "is missing");
    require(limits.maxBytes() >= 1024 && limits.maxBytes() <= 64L * 1024 * 1024, "limits.max_bytes", "must be between 1024 and 67108864, got " + limits.maxBytes());
    require(limits.maxDepth() >= 2 && limits.maxDepth() <= JsonLimits.DEPTH_CEILING, "limits.max_depth", "must be between 2 and " + JsonLimits.DEPTH_CEILING + ", got " + limits.maxDepth());
    require(limits.maxMembers() >= 10 && limits.maxMembers() <= 10_000_000, "limits.max_members", "must be between 10 and 10000000, got " + limits.maxMembers());
    require(limits.maxKeyLength() >= 10 && limits.maxKeyLength() <= 100_000, "limits.max_key_length", "must be between 10 and 100000, got " + limits.maxKeyLength());
    require(mongo != null, "mongo", "is missing");
    require(mongo.embedded() || mongo.connectionString().startsWith("mongodb://") || mongo.connectionString().startsWith("mongodb+srv://"),
        "mongo.connection_string", "must start with mongodb:// or mongodb+srv://, got '" + mongo.connectionString() + "'");
    require(mongo.database() != null && mongo.database().matches("[A-Za-z0-9_-]{1,60}"), "mongo.database", "must be 1 to 60 characters of letters, digits, _ and -");
    require(Set.of("h2", "memory").contains(mongo.embeddedBackend()), "mongo.embedded_backend", "must be h2 or memory, got '" + mongo.embeddedBackend() + "'");
    port("mongo.embedded_port", mongo.embeddedPort());
    require(cluster != null, "cluster", "is missing");
    require(!cluster.ha() || cluster.enabled(), "cluster.ha", "needs cluster.enabled (--cluster)");
    require(cluster.haGroup() != null && !cluster.haGroup().isBlank(), "cluster.ha_group", "must not be empty");
    require(cluster.tls() != null && cluster.tls().cert() != null && cluster.tls().key() != null && cluster.tls().ca() != null, "cluster.tls",
        "must hold cert, key and ca (empty: no TLS)");
    require(!cluster.tls().enabled() || !cluster.tls().key().isBlank() && !cluster.tls().ca().isBlank(),
        cluster.tls().key().isBlank() ? "cluster.tls.key" : "cluster.tls.ca",
        "is empty while cluster.tls.cert is set: TLS between members needs the certificate, its key and the CA that signs members' certificates");
    readable("cluster.tls.cert", cluster.tls().cert());
    readable("cluster.tls.key", cluster.tls().key());
    readable("cluster.tls.ca", cluster.tls().ca());
    require(cluster.quorumSize() >= 1, "cluster.quorum_size", "must be at least 1, got " + cluster.quorumSize());
    require(cluster.name() != null && cluster.name().matches("[A-Za-z0-9_.-]{1,100}"), "cluster.name",
        "must be 1 to 100 characters of letters, digits, _ . and -");
    port("cluster.port", cluster.port());
    require(dispatcher != null, "dispatcher", "is missing");
    require(dispatcher.defaultTimeLimit() > 0, "dispatcher.default_time_limit", "must be a positive number of seconds");
    require(dispatcher.defaultMaxAttempts() > 0, "dispatcher.default_max_attempts", "must be at least 1");
    require(dispatcher.retryBackoffBaseMs() >= 0, "dispatcher.retry_backoff_base_ms", "must not be negative");
    require(dispatcher.retryBackoffCapMs() >= dispatcher.retryBackoffBaseMs(), "dispatcher.retry_backoff_cap_ms", "must be at least retry_backoff_base_ms");
    require(dispatcher.dispatchTimeoutMs() > 0, "dispatcher.dispatch_timeout_ms", "must be positive");
    require(dispatcher.instances() >= 1 && dispatcher.instances() <= 64, "dispatcher.instances", "must be between 1 and 64, got " + dispatcher.instances());
    require(dispatcher.leaseRenewMs() >= 100, "dispatcher.lease_renew_ms", "must be at least 100, got " + dispatcher.leaseRenewMs());
    require(dispatcher.startWriteDelayMs() >= 0 && dispatcher.startWriteDelayMs() <= 1000, "dispatcher.start_write_delay_ms",
        "must be 0..1000, got " + dispatcher.startWriteDelayMs());
    require(dispatcher.agendaTakeInMs() == 0 || dispatcher.agendaTakeInMs() >= 100, "dispatcher.agenda_take_in_ms",
        "must be 0 (off) or at least 100, got " + dispatcher.agendaTakeInMs());
    require(dispatcher.leaseTtlMs() >= 3 * dispatcher.leaseRenewMs(), "dispatcher.lease_ttl_ms", "must be at least 3 x lease_renew_ms, got " + dispatcher.leaseTtlMs());
    if (dispatcher.timezone() != null && !dispatcher.timezone().isBlank()) {
      try {
        ZoneId.of(dispatcher.timezone());
      } catch (DateTimeException e) {
        throw new ConfigException("dispatcher.timezone", "unknown time zone '" + dispatcher.timezone() + "' (use a region like Europe/Paris or UTC)");
      }
    }
    resourceDefinitions();
    require(registry != null, "registry", "is missing");
    taskDefinitions();
    require(collective != null, "collective", "is missing");
    require(collective.pingIntervalMs() >= 100, "collective.ping_interval_ms", "must be at least 100, got " + collective.pingIntervalMs());
    require(collective.recordWriteIntervalMs() >= 100, "collective.record_write_interval_ms", "must be at least 100, got " + collective.recordWriteIntervalMs());
    require(collective.keepOfflineMs() >= 0, "collective.keep_offline_ms", "must not be negative, got " + collective.keepOfflineMs());
    require(auth != null && auth.apiKeys() != null, "auth.api_keys", "must be a list (empty: no keys)");
    validateAuth();
    validateAmqp();
    validateTasker();
    require(zmq != null, "zmq", "is missing");
    zmq.validate();
    require(metrics != null, "metrics", "is missing");
    metrics.validate();
    require(retention != null, "retention", "is missing");
    retention.validate();
    require(logging != null, "logging", "is missing");
    logging.validate();
    require(qworker != null, "qworker", "is missing");
    qworker.validate();
    return this;
  }

  private void validateAuth() {
    KeyRing ring = auth.keyRing();
    require(auth.maxFailuresPerMinute() >= 1, "auth.max_failures_per_minute", "must be at least 1, got " + auth.maxFailuresPerMinute());
    require(!(auth.open() && !ring.isEmpty()), "auth.open", "is true, yet auth.api_keys holds keys: open doors and keys exclude each other; drop one");
    require(eventbus != null && eventbus.tcpBridge() != null && eventbus.tcpBridge().host() != null, "eventbus.tcp_bridge", "is missing");
    TcpBridge tcp = eventbus.tcpBridge();
    require(tcp.port() >= -1 && tcp.port() <= 65535, "eventbus.tcp_bridge.port", "must be -1 (off), 0 (any free port) or a port, got " + tcp.port());
    require(tcp.maxInFlight() >= 1 && tcp.maxInFlight() <= 100_000, "eventbus.tcp_bridge.max_in_flight", "must be 1 to 100000, got " + tcp.maxInFlight());
    boolean gateway = node.roles().contains("gateway");
    String reachable = gateway && !Loopback.is(http.host()) ? "the gateway listens on " + http.host() + " (http.host)"
        : gateway && tcp.enabled() && !Loopback.is(tcp.host()) ? "the TCP bridge listens on " + tcp.host() + " (eventbus.tcp_bridge.host)" : null;
    require(reachable == null || auth.open() || !ring.isEmpty(), "auth.api_keys",
        "is empty while " + reachable + ", beyond this machine: set keys (auth.api_keys or TEF_API_KEYS=key1,key2),"
            + " listen on 127.0.0.1, or set auth.open: true to serve everyone who can reach it on purpose");
    for (int i = 0; i < http.allowedOrigins().size(); i++) {
      String origin = http.allowedOrigins().get(i);
      require(origin != null && origin.matches("https?://[A-Za-z0-9.\\-\\[\\]:]+"), "http.allowed_origins[" + i + "]",
          "must be an origin, scheme://host[:port] with no path (as a browser sends it), got '" + origin + "'");
    }
  }

  private void validateTasker() {
    require(tasker != null && tasker.taskTypes() != null, "tasker.task_types", "must be a list (empty: no tasker routes)");
    Set<String> seen = new java.util.HashSet<>();
    for (int i = 0; i < tasker.taskTypes().size(); i++) {
      String t = tasker.taskTypes().get(i);
      String key = "tasker.task_types[" + i + "]";
      // The type is a URL path segment and part of an exchange name.
      require(t != null && t.matches("[A-Za-z0-9_-]{1,100}"), key, "must be 1 to 100 letters, digits, _ or -, got '" + t + "'");
      require(!Tasker.RESERVED.contains(t.toLowerCase(java.util.Locale.ROOT)), key, "'" + t + "' is a path the gateway serves itself " + Tasker.RESERVED);
      require(seen.add(t), key, "'" + t + "' is listed twice");
    }
    require(tasker.waitForEndpointsTimeoutMs() >= 0 && tasker.waitForEndpointsTimeoutMs() <= 600_000, "tasker.wait_for_endpoints_timeout_ms",
        "must be between 0 and 600000, got " + tasker.waitForEndpointsTimeoutMs());
  }

  /** A file named by a key must be there at start, not at the first connection. */
  private static void readable(String key, String path) {
    require(path == null || path.isBlank() || java.nio.file.Files.isReadable(java.nio.file.Path.of(path)), key,
        "names " + path + ", which is not a readable file");
  }

  private void validateAmqp() {
    require(amqp != null, "amqp", "is missing");
    require(amqp.tlsCaFile() != null, "amqp.tls_ca_file", "must be a path or empty");
    readable("amqp.tls_ca_file", amqp.tlsCaFile());
    if (amqp.enabled()) {
      String url = amqp.url().trim();
      require(url.startsWith("amqp://") || url.startsWith("amqps://"), "amqp.url", "must start with amqp:// or amqps://, got '" + redacted(url) + "'");
      try {
        java.net.URI uri = new java.net.URI(url);
        require(uri.getHost() != null, "amqp.url", "names no host: '" + redacted(url) + "'");
      } catch (java.net.URISyntaxException e) {
        throw new ConfigException("amqp.url", "is not a valid URL: " + e.getReason());
      }
    }
    require(amqp.env() == null || amqp.env().isEmpty() || amqp.env().matches("[a-z0-9_-]{1,32}"), "amqp.env",
        "must be empty (TEF_ENV) or 1 to 32 characters of a-z, 0-9, _ and -, got '" + amqp.env() + "'");
    require(amqp.prefetch() >= 1 && amqp.prefetch() <= 65535, "amqp.prefetch", "must be between 1 and 65535, got " + amqp.prefetch());
    require(amqp.keeperTypes() != null, "amqp.keeper_types", "must be a list (empty: every task type)");
    for (int i = 0; i < amqp.keeperTypes().size(); i++) {
      String t = amqp.keeperTypes().get(i);
      require(t != null && t.matches("[A-Za-z0-9_.:-]{1,100}"), "amqp.keeper_types[" + i + "]", "must be a task type (letters, digits, _ . : -), got '" + t + "'");
    }
    require(amqp.keepers() || amqp.keeperTypes().isEmpty(), "amqp.keeper_types",
        "names keeper types while amqp.keepers is false; leave one of them out");
    require(amqp.keeperStates() != null && !amqp.keeperStates().isEmpty(), "amqp.keeper_states",
        "must list the states keepers get, some of " + Amqp.TERMINAL_STATES + " (amqp.keepers: false sends none)");
    for (int i = 0; i < amqp.keeperStates().size(); i++) {
      String state = amqp.keeperStates().get(i);
      require(Amqp.TERMINAL_STATES.contains(state) && amqp.keeperStates().indexOf(state) == i, "amqp.keeper_states[" + i + "]",
          "must be one of " + Amqp.TERMINAL_STATES + ", each once, got '" + state + "'");
    }
    require(amqp.keeperQueueMaxLength() >= 0, "amqp.keeper_queue_max_length",
        "must be 0 (no bound) or the number of endings a keeper queue keeps, got " + amqp.keeperQueueMaxLength());
    require(amqp.requeueDelayMs() >= 0, "amqp.requeue_delay_ms", "must not be negative, got " + amqp.requeueDelayMs());
    require(amqp.reconnectMaxMs() >= 500, "amqp.reconnect_max_ms", "must be at least 500, got " + amqp.reconnectMaxMs());
    require(amqp.workerPingIntervalMs() >= io.tef.protocol.worker.WorkerRegistration.MIN_PING_MS
        && amqp.workerPingIntervalMs() <= io.tef.protocol.worker.WorkerRegistration.MAX_PING_MS, "amqp.worker_ping_interval_ms",
        "must be from " + io.tef.protocol.worker.WorkerRegistration.MIN_PING_MS + " to " + io.tef.protocol.worker.WorkerRegistration.MAX_PING_MS
            + " ms, got " + amqp.workerPingIntervalMs());
  }

  /** A URL as it may be logged: without its password. */
  public static String redacted(String url) {
    return url == null ? null : url.replaceAll("(//[^:/@]*):[^@/]*@", "$1:***@");
  }

  private static void port(String key, int port) {
    require(port >= 0 && port <= 65535, key, "must be a port between 0 and 65535 (0 = any free port), got " + port);
  }

  private static void require(boolean ok, String key, String problem) {
    if (!ok) {
      throw new ConfigException(key, problem);
    }
  }
}
