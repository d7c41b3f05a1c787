package io.tef.core.config;

import io.tef.core.auth.Loopback;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The Task Engine's door: a ZeroMQ ROUTER taking {@code [META, TASK]} calls (module {@code zmq-gateway}).
 *
 * @param host             the address the ROUTER binds; beyond loopback it needs CurveZMQ or {@code allow_plain_remote}
 * @param port             -1: off; 0: any free port; else the port (the Task Engine's was 9000)
 * @param taskTypes        task types callable besides those whose definition says {@code rpc: true}
 * @param waitMs           how long a call waits for its task to end; 0: the task's time limit
 * @param allowPlainRemote serve plain (unencrypted, unauthenticated) ZeroMQ beyond loopback, on purpose
 * @param maxInFlight      calls waiting for their task at once; more are answered {@code ERROR: busy}
 * @param curve            CurveZMQ: the server's secret key and the clients' public keys
 */
public record ZmqSettings(String host, int port, List<String> taskTypes, long waitMs, boolean allowPlainRemote, int maxInFlight,
                          Curve curve) {

  /** A Z85-encoded CurveZMQ key: 32 bytes as 40 characters. */
  private static final Pattern Z85_KEY = Pattern.compile("[0-9a-zA-Z.\\-:+=^!/*?&<>()\\[\\]{}@%$#]{40}");
  private static final Pattern TASK_TYPE = Pattern.compile("[A-Za-z0-9_.:-]{1,200}");

  /** {@code server_secret} empty: plain ZeroMQ. {@code clients}: the public keys that may connect. */
  public record Curve(String serverSecret, List<String> clients) {

    public boolean enabled() {
      return serverSecret != null && !serverSecret.isBlank();
    }
  }

  public boolean enabled() {
    return port >= 0;
  }

  /** Throws {@link ConfigException} naming the key. */
  void validate() {
    require(host != null && !host.isBlank(), "zmq.host", "must not be empty");
    require(port >= -1 && port <= 65535, "zmq.port", "must be -1 (off), 0 (any free port) or a port, got " + port);
    require(taskTypes != null, "zmq.task_types", "must be a list (empty: only types whose definition says rpc: true)");
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < taskTypes.size(); i++) {
      String t = taskTypes.get(i);
      require(t != null && TASK_TYPE.matcher(t).matches(), "zmq.task_types[" + i + "]",
          "must be a task type (1 to 200 letters, digits, _ . : -), got '" + t + "'");
      require(seen.add(t), "zmq.task_types[" + i + "]", "'" + t + "' is listed twice");
    }
    require(waitMs >= 0 && waitMs <= 24L * 3600 * 1000, "zmq.wait_ms", "must be 0 (the task's time limit) to 86400000 ms, got " + waitMs);
    require(maxInFlight >= 1 && maxInFlight <= 1_000_000, "zmq.max_in_flight", "must be 1 to 1000000, got " + maxInFlight);
    require(curve != null && curve.serverSecret() != null && curve.clients() != null, "zmq.curve", "must hold server_secret and clients (empty: plain ZeroMQ)");
    if (curve.enabled()) {
      // Never echo the secret in the error.
      require(Z85_KEY.matcher(curve.serverSecret()).matches(), "zmq.curve.server_secret",
          "must be a Z85 CurveZMQ secret key of 40 characters (tef zmq-keys prints a new pair); the value given is not one");
      require(!curve.clients().isEmpty(), "zmq.curve.clients",
          "is empty while zmq.curve.server_secret is set: no client could connect; list the public keys of the clients that may");
    } else {
      require(curve.clients().isEmpty(), "zmq.curve.clients",
          "lists client keys while zmq.curve.server_secret is empty: without the server's key CurveZMQ is off and the list would mean nothing");
    }
    for (int i = 0; i < curve.clients().size(); i++) {
      String key = curve.clients().get(i);
      require(key != null && Z85_KEY.matcher(key).matches(), "zmq.curve.clients[" + i + "]",
          "must be a Z85 CurveZMQ public key of 40 characters, got '" + key + "'");
    }
    require(!enabled() || curve.enabled() || allowPlainRemote || Loopback.is(host), "zmq.host",
        "is " + host + ", beyond this machine, while CurveZMQ is off: plain ZeroMQ has neither encryption nor authentication."
            + " Set zmq.curve.server_secret and zmq.curve.clients (tef zmq-keys makes keys), bind 127.0.0.1,"
            + " or set zmq.allow_plain_remote: true to serve plain ZeroMQ beyond this machine on purpose");
  }

  private static void require(boolean ok, String key, String problem) {
    if (!ok) {
      throw new ConfigException(key, problem);
    }
  }
}
