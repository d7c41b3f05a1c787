package io.tef.core.auth;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * What a key may do. {@code read}: every GET. {@code submit}: submit and cancel tasks, pause,
 * ready and stop suites. {@code admin}: everything else that changes TEF (dispatcher state,
 * resources, task types, workers), and what read and submit allow. {@code worker}: a worker's
 * door (registration, heartbeats, reports, wokmanager's {@code /worker/*}); admin does not imply it.
 */
public enum Role {
  READ, SUBMIT, ADMIN, WORKER;

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The role of a name, or null. */
  public static Role of(String name) {
    for (Role r : values()) {
      if (r.wire().equals(name)) {
        return r;
      }
    }
    return null;
  }

  public static String names() {
    return Arrays.stream(values()).map(Role::wire).collect(Collectors.joining(", "));
  }
}
