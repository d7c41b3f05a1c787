package io.tef.qworker;

import io.tef.protocol.ValidationException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;

/**
 * What a Qworker worker says of itself in {@code worker:initialize} and every {@code worker:ping}:
 * {@code {id, pid, taskIds, startedAt, standalone?}}. The id names its job collection too, so it
 * keeps to a collection name's safe letters.
 */
record WorkerHello(String id, long pid, List<String> taskIds, String startedAt, boolean standalone) {

  private static final String ID = "[A-Za-z0-9_.:-]{1,100}";
  private static final String TASK_ID = "[A-Za-z0-9_.:-]{1,200}";
  private static final int MAX_TASKS = 200;

  static WorkerHello fromJson(JsonObject m) {
    if (!(m.getValue("id") instanceof String id) || !id.matches(ID)) {
      throw new ValidationException("id", "must be 1 to 100 letters, digits and _ . : -, got " + preview(m.getValue("id")));
    }
    Object pid = m.getValue("pid");
    if (!(pid instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue()) || n.longValue() < 1) {
      throw new ValidationException("pid", "must be the worker's process id (a whole number from 1), got " + preview(pid));
    }
    if (!(m.getValue("taskIds") instanceof JsonArray ids) || ids.isEmpty() || ids.size() > MAX_TASKS) {
      throw new ValidationException("taskIds", "must list 1 to " + MAX_TASKS + " task ids, got " + preview(m.getValue("taskIds")));
    }
    List<String> tasks = new ArrayList<>();
    for (int i = 0; i < ids.size(); i++) {
      if (!(ids.getValue(i) instanceof String t) || !t.matches(TASK_ID)) {
        throw new ValidationException("taskIds[" + i + "]", "must be a task id (letters, digits and _ . : -), got " + preview(ids.getValue(i)));
      }
      if (!tasks.contains(t)) {
        tasks.add(t);
      }
    }
    Object started = m.getValue("startedAt");
    String startedAt = started instanceof JsonObject d && d.getValue("$date") != null ? String.valueOf(d.getValue("$date"))
        : started == null ? "" : String.valueOf(started);
    return new WorkerHello(id, n.longValue(), List.copyOf(tasks), startedAt, Boolean.TRUE.equals(m.getValue("standalone")));
  }

  /** This process of the worker: a restart (another pid, or the same pid started again) is another instance. */
  String instance() {
    return "qworker-" + pid + "-" + Integer.toHexString(startedAt.hashCode());
  }

  private static String preview(Object v) {
    String s = v == null ? "nothing" : v instanceof String t ? "'" + t + "'" : String.valueOf(v);
    return s.length() > 80 ? s.substring(0, 80) + "..." : s;
  }
}
