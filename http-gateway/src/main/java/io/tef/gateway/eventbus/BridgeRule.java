package io.tef.gateway.eventbus;

import io.tef.core.auth.Role;
import io.tef.protocol.Addresses;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.Set;

/**
 * What a bridge frame may reach and the role it needs: one table for every event-bus bridge.
 * Clients submit, query, cancel, control suites and listen to events; workers register,
 * heartbeat, take dispatches on {@code tef.worker.<name>} and report, under the names their key
 * holds. Nothing else is reachable, whatever the key.
 *
 * @param role       the role the frame needs
 * @param workerName the worker name it speaks for (bound by a worker key), or null
 */
public record BridgeRule(Role role, String workerName) {

  private static final String WORKER_PREFIX = Addresses.worker("");
  /** What a client (not a worker) may send to, and listen to. */
  public static final List<String> CLIENT_SENDS = List.of(Addresses.TASKS_SUBMIT, Addresses.TASKS_CANCEL, Addresses.TASKS_RETRY, Addresses.TASKS_PRIORITY,
      Addresses.TASKS_QUERY, Addresses.DISPATCHER_CONTROL, Addresses.COLLECTIVE_GET_WORKERS);
  public static final List<String> EVENTS = List.of(Addresses.EVENTS_TASKS, Addresses.EVENTS_WORKERS,
      Addresses.EVENTS_NOTIFICATIONS, Addresses.EVENTS_TASK_TYPES);
  private static final List<String> WORKER_SENDS = List.of(Addresses.TASKS_REPORT, Addresses.REGISTRY_REGISTER, Addresses.COLLECTIVE_STATUS);
  private static final Set<String> SUITE_CONTROL = Set.of("pause_suite", "ready_suite", "stop_suite");

  /** A message sent to {@code address}; null when no key may send there. */
  public static BridgeRule send(String address, Object body) {
    JsonObject o = body instanceof JsonObject j ? j : null;
    return switch (address) {
      case Addresses.TASKS_SUBMIT, Addresses.TASKS_CANCEL, Addresses.TASKS_RETRY, Addresses.TASKS_PRIORITY -> new BridgeRule(Role.SUBMIT, null);
      case Addresses.TASKS_QUERY, Addresses.COLLECTIVE_GET_WORKERS -> new BridgeRule(Role.READ, null);
      case Addresses.DISPATCHER_CONTROL -> {
        Object type = o == null ? null : o.getValue("type");
        yield new BridgeRule("get_state".equals(type) ? Role.READ : SUITE_CONTROL.contains(type) ? Role.SUBMIT : Role.ADMIN, null);
      }
      case Addresses.TASKS_REPORT -> new BridgeRule(Role.WORKER, name(o, "worker"));
      case Addresses.REGISTRY_REGISTER, Addresses.COLLECTIVE_STATUS -> new BridgeRule(Role.WORKER, name(o, "name"));
      default -> null;
    };
  }

  /** A handler registered on {@code address} (messages flow to the client); null when none may. */
  public static BridgeRule register(String address) {
    if (EVENTS.contains(address)) {
      return new BridgeRule(Role.READ, null);
    }
    if (address.startsWith(WORKER_PREFIX) && address.length() > WORKER_PREFIX.length()) {
      return new BridgeRule(Role.WORKER, address.substring(WORKER_PREFIX.length()));
    }
    return null;
  }

  /** The addresses a client may send to, for error messages. */
  public static String sendable() {
    return String.join(", ", CLIENT_SENDS) + ", " + String.join(", ", WORKER_SENDS);
  }

  public static String registrable() {
    return String.join(", ", EVENTS) + ", " + WORKER_PREFIX + "<name>";
  }

  private static String name(JsonObject body, String field) {
    // A body without the name is refused by the address itself, naming the field; no name binds nothing here.
    return body != null && body.getValue(field) instanceof String s ? s : "";
  }
}
