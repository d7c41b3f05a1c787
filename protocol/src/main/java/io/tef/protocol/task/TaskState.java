package io.tef.protocol.task;

import java.util.Locale;

/** queued → dispatched → working → completed | failed | cancelled; queued tasks of a paused suite are paused. */
public enum TaskState {
  QUEUED, PAUSED, DISPATCHED, WORKING, COMPLETED, FAILED, CANCELLED;

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  public boolean terminal() {
    return this == COMPLETED || this == FAILED || this == CANCELLED;
  }

  /** The state named on the wire, or null when the name is not a state. */
  public static TaskState fromWire(String name) {
    for (TaskState s : values()) {
      if (s.wire().equals(name)) {
        return s;
      }
    }
    return null;
  }
}
