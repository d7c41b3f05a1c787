package io.tef.zmq.frames;

import io.tef.protocol.ValidationException;
import io.tef.protocol.json.StrictJson;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads the frames of a request as the Task Engine's workers validated them: JSON objects whose
 * keys are exactly those of their kind (META {@code id pack role type version}, TASK
 * {@code args kwargs pack task}, DATA {@code data pack}), META first. Unlike the Task Engine
 * (whose worker died on a frame that was not JSON), every fault is an {@link InvalidRequest}
 * naming it, and TEF checks the values it uses: the task's name, args and kwargs.
 */
public final class FrameReader {

  public static final Set<String> META = Set.of("id", "role", "version", "type", "pack");
  public static final Set<String> TASK = Set.of("task", "args", "kwargs", "pack");
  public static final Set<String> DATA = Set.of("data", "pack");
  private static final String SHAPES = "a request is [META], [META, TASK] or [META, DATA]";

  private final StrictJson json;

  public FrameReader(StrictJson json) {
    this.json = json;
  }

  /** The request in these frames (the routing envelope already taken off). */
  public Request read(List<byte[]> frames) {
    if (frames.isEmpty()) {
      throw new InvalidRequest("no frames; " + SHAPES);
    }
    if (frames.size() > 2) {
      throw new InvalidRequest(frames.size() + " frames; " + SHAPES);
    }
    JsonObject meta = object(frames.get(0), "META (frame 1)");
    keys(meta, META, "META");
    if (frames.size() == 1) {
      return new Request.Ping(meta);
    }
    JsonObject second = object(frames.get(1), "frame 2");
    if (second.containsKey("task")) {
      keys(second, TASK, "TASK");
      if (!(second.getValue("task") instanceof String task) || task.isEmpty() || task.length() > 200) {
        throw new InvalidRequest("TASK.task must be the name of a task, a string of 1 to 200 characters, got " + brief(second.getValue("task")));
      }
      if (!(second.getValue("args") instanceof JsonArray args)) {
        throw new InvalidRequest("TASK.args must be a list, got " + brief(second.getValue("args")));
      }
      if (!(second.getValue("kwargs") instanceof JsonObject kwargs)) {
        throw new InvalidRequest("TASK.kwargs must be an object, got " + brief(second.getValue("kwargs")));
      }
      return new Request.Call(meta, task, args, kwargs);
    }
    if (second.containsKey("data")) {
      keys(second, DATA, "DATA");
      if (!(second.getValue("data") instanceof JsonObject data) || !(data.getValue("guid") instanceof String guid) || data.size() != 1) {
        throw new InvalidRequest("DATA.data must be {\"guid\": \"<task guid>\"} (the state and result of a task), got "
            + brief(second.getValue("data")));
      }
      return new Request.Lookup(meta, guid);
    }
    throw new InvalidRequest("frame 2 is neither TASK {args, kwargs, pack, task} nor DATA {data, pack}; its keys are "
        + new TreeSet<>(second.fieldNames()));
  }

  private JsonObject object(byte[] frame, String what) {
    if (frame.length == 0) {
      throw new InvalidRequest(what + " is empty; a JSON object was expected");
    }
    Object value;
    try {
      value = json.read(Buffer.buffer(frame));
    } catch (ValidationException e) {
      throw new InvalidRequest(what + " is not JSON: " + e.getMessage());
    }
    if (!(value instanceof JsonObject o)) {
      throw new InvalidRequest(what + " must be a JSON object, got " + brief(value));
    }
    return o;
  }

  /** Exactly these keys, as the Task Engine's hash of the sorted key names required. */
  private static void keys(JsonObject frame, Set<String> expected, String kind) {
    Set<String> missing = new TreeSet<>(expected);
    missing.removeAll(frame.fieldNames());
    Set<String> extra = new TreeSet<>(frame.fieldNames());
    extra.removeAll(expected);
    if (missing.isEmpty() && extra.isEmpty()) {
      return;
    }
    StringBuilder s = new StringBuilder(kind);
    if (!missing.isEmpty()) {
      s.append(" lacks ").append(String.join(", ", missing));
    }
    if (!extra.isEmpty()) {
      s.append(missing.isEmpty() ? " has" : " and has").append(" unknown ").append(String.join(", ", extra));
    }
    throw new InvalidRequest(s.append(" (a ").append(kind).append(" frame has exactly ").append(String.join(", ", new TreeSet<>(expected)))
        .append(")").toString());
  }

  private static String brief(Object value) {
    String text = value == null ? "null" : value instanceof String s ? "\"" + s + "\"" : String.valueOf(value);
    return text.length() > 80 ? text.substring(0, 80) + "..." : text;
  }
}
