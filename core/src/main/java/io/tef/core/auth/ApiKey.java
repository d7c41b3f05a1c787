package io.tef.core.auth;

import io.tef.protocol.worker.Glob;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * One configured key: a name for the logs (never the key), the SHA-256 of the key, its roles and,
 * for a worker key, the worker names it may use ({@code *} patterns; empty: any).
 */
public record ApiKey(String name, byte[] sha256, Set<Role> roles, List<String> workers) {

  public ApiKey {
    roles = roles.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(roles));
    workers = List.copyOf(workers);
  }

  /** Whether this key may do what {@code needed} allows; admin holds read and submit too. */
  public boolean allows(Role needed) {
    return roles.contains(needed) || roles.contains(Role.ADMIN) && (needed == Role.READ || needed == Role.SUBMIT);
  }

  /** Whether a worker holding this key may go by {@code workerName}. */
  public boolean mayUseWorkerName(String workerName) {
    return workers.isEmpty() || workers.stream().anyMatch(p -> new Glob(p).matches(workerName));
  }

  /** The roles, as configured, for messages: "read, submit". */
  public String roleNames() {
    return roles.stream().sorted().map(Role::wire).reduce((a, b) -> a + ", " + b).orElse("none");
  }
}
