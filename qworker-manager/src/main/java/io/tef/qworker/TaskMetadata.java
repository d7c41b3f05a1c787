package io.tef.qworker;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The tasks' metadata a worker is started with ({@code tasks} of {@code <pid>/start}): what the
 * workers said of each task in {@code define:tasks} (where its code is, its job attributes),
 * under TEF's definition of the task type (its id, and name and description when the worker
 * gave none). Qworker's worker loads each task's code from this metadata.
 */
final class TaskMetadata {

  private static final int MAX_TASKS = 10_000;
  private final Map<String, JsonObject> defined = new HashMap<>();
  /** Starts waiting for task metadata not heard yet, with the ids each needs. */
  private final Map<Promise<Void>, List<String>> waiting = new HashMap<>();

  /** {@code define:tasks}: an array of task metadata, each naming its {@code id}. */
  void onDefine(Object message) {
    JsonArray tasks = message instanceof JsonArray a ? a
        : message instanceof JsonObject o && o.getValue("value") instanceof JsonArray v ? v
        : message instanceof JsonObject o && o.getValue("tasks") instanceof JsonArray t ? t : new JsonArray();
    for (Object t : tasks) {
      if (t instanceof JsonObject meta && meta.getValue("id") instanceof String id && (defined.size() < MAX_TASKS || defined.containsKey(id))) {
        defined.put(id, meta.copy());
      }
    }
    waiting.entrySet().removeIf(e -> missing(e.getValue()).isEmpty() && e.getKey().tryComplete());
  }

  /** The ids among these that no {@code define:tasks} has described yet. */
  List<String> missing(List<String> taskIds) {
    List<String> out = new ArrayList<>();
    for (String id : taskIds) {
      if (!defined.containsKey(id)) {
        out.add(id);
      }
    }
    return out;
  }

  /**
   * Completes once every one of these ids is described, or after {@code boundMs}: a worker
   * publishes {@code define:tasks} just before {@code worker:initialize}, but two publishes of
   * one process can reach the channel in either order. Then see {@link #missing}.
   */
  Future<Void> whenDefined(Vertx vertx, List<String> taskIds, long boundMs) {
    if (missing(taskIds).isEmpty()) {
      return Future.succeededFuture();
    }
    Promise<Void> p = Promise.promise();
    waiting.put(p, List.copyOf(taskIds));
    long timer = vertx.setTimer(boundMs, t -> {
      waiting.remove(p);
      p.tryComplete();
    });
    return p.future().onComplete(v -> vertx.cancelTimer(timer));
  }

  JsonArray tasks(List<String> taskIds, JsonObject definitions) {
    JsonArray out = new JsonArray();
    for (String id : taskIds) {
      JsonObject meta = defined.getOrDefault(id, new JsonObject()).copy().put("id", id);
      JsonObject def = definitions == null ? null : definitions.getJsonObject(id);
      if (meta.getValue("name") == null) {
        meta.put("name", def != null && def.getValue("name") instanceof String n ? n : id.isEmpty() ? id : Character.toUpperCase(id.charAt(0)) + id.substring(1));
      }
      if (meta.getValue("description") == null && def != null && def.getValue("description") instanceof String d) {
        meta.put("description", d);
      }
      out.add(meta);
    }
    return out;
  }
}
