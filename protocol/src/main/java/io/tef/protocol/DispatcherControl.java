package io.tef.protocol;

import io.vertx.core.json.JsonObject;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * TEF's dispatcher control messages on {@code tef.dispatcher.control}:
 * {@code {"type": "set_state", "data": "paused"}} and the others; the one list every door and
 * the dispatcher read them by.
 */
public enum DispatcherControl {
  SET_STATE("set_state"),
  GET_STATE("get_state"),
  PAUSE_SUITE("pause_suite"),
  READY_SUITE("ready_suite"),
  STOP_SUITE("stop_suite");

  private final String wire;

  DispatcherControl(String wire) {
    this.wire = wire;
  }

  public String wire() {
    return wire;
  }

  /** The message: its type, and {@code data} (a state, a suite guid) when given. */
  public JsonObject message(Object data) {
    JsonObject m = new JsonObject().put("type", wire);
    return data == null ? m : m.put("data", data);
  }

  /** The control type named {@code type}, or null when it names none. */
  public static DispatcherControl of(Object type) {
    for (DispatcherControl c : values()) {
      if (c.wire.equals(type)) {
        return c;
      }
    }
    return null;
  }

  /** As {@link #of}, refusing an unknown type with the list of known ones. */
  public static DispatcherControl parse(Object type) {
    DispatcherControl c = of(type);
    if (c == null) {
      throw new ValidationException("type", "unknown control message type '" + type + "'; one of " + names());
    }
    return c;
  }

  public static String names() {
    return Arrays.stream(values()).map(DispatcherControl::wire).collect(Collectors.joining(", "));
  }
}
