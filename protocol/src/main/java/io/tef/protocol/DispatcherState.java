package io.tef.protocol;

import java.util.Locale;

/**
 * running: dispatches and records. paused: accepts and tracks tasks and records what workers
 * report, but hands out nothing. stopped: as paused, and also records no new ending: completion
 * and failure reports are refused (503, the worker reports again later), stalls wait.
 */
public enum DispatcherState {
  RUNNING, PAUSED, STOPPED;

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static DispatcherState parse(Object value, String field) {
    if (value instanceof String s) {
      for (DispatcherState st : values()) {
        if (st.wire().equals(s)) {
          return st;
        }
      }
    }
    throw new ValidationException(field, "must be one of running, paused, stopped; got " + value);
  }
}
