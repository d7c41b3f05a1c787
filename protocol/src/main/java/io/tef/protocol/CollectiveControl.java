package io.tef.protocol;

import java.util.Arrays;
import java.util.stream.Collectors;

/** TEF's worker control messages on {@code tef.collective.control}, by their {@code type}: the one list doors and the collective read. */
public enum CollectiveControl {
  WORKER_STATUS("worker_status"),
  REMOVE_WORKER("remove_worker"),
  GET_WORKERS("get_workers");

  private final String wire;

  CollectiveControl(String wire) {
    this.wire = wire;
  }

  public String wire() {
    return wire;
  }

  /** The control type named {@code type}, or null when it names none. */
  public static CollectiveControl of(Object type) {
    for (CollectiveControl c : values()) {
      if (c.wire.equals(type)) {
        return c;
      }
    }
    return null;
  }

  /** As {@link #of}, refusing an unknown type with the list of known ones. */
  public static CollectiveControl parse(Object type) {
    CollectiveControl c = of(type);
    if (c == null) {
      throw new ValidationException("type", "unknown collective message type '" + type + "'; one of " + names());
    }
    return c;
  }

  public static String names() {
    return Arrays.stream(values()).map(CollectiveControl::wire).collect(Collectors.joining(", "));
  }
}
