package io.tef.core.store.mongo;

import io.tef.core.task.Task;
import io.tef.core.task.TaskIds;
import io.tef.core.task.TaskQuery;
import io.tef.protocol.task.ResultPosition;
import io.tef.protocol.task.TaskState;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * The filters, sorts and commands of the task collection, one place for both ways in: over the
 * wire ({@link MongoTaskStore}, dates as {@code {"$date": text}}) and in process
 * ({@link LocalTaskStore}, dates as {@link Instant}).
 */
final class TaskFilters {

  /** Dates as the wire client takes them. */
  static final Function<Instant, Object> WIRE_DATES = i -> new JsonObject().put("$date", i.toString());
  /** Dates as the in-process store takes them. */
  static final Function<Instant, Object> NATIVE_DATES = i -> i;

  /** Read only: every fenced write shares it (one per save would be built on the dispatch path). */
  private static final JsonObject NOT_ENDED = new JsonObject().put("$nin", states(true));

  /** Newest first; the document id (derived from the guid) breaks ties so pages are stable. */
  static final JsonObject NEWEST_FIRST = new JsonObject().put("createdAt", -1).put("_id", 1);
  /** The keeper's order: finish time, then document id. */
  static final JsonObject FINISH_ORDER = new JsonObject().put("lastFinishedAt", 1).put("_id", 1);

  /** {@code _id} and: a lower stored attempt, or the same one not ended (any ended one, for a queued write). */
  static JsonObject fence(Task task) {
    JsonObject filter = new JsonObject().put("_id", TaskIds.documentId(task.guid()));
    if (task.state() == TaskState.QUEUED) {
      return filter.put("attempt", new JsonObject().put("$lte", task.attempt()));
    }
    return filter.put("$or", new JsonArray()
        .add(new JsonObject().put("attempt", new JsonObject().put("$lt", task.attempt())))
        .add(new JsonObject().put("attempt", task.attempt()).put("state", NOT_ENDED)));
  }

  static JsonObject list(TaskQuery q, Function<Instant, Object> dates) {
    JsonObject query = new JsonObject();
    if (q.worker() != null) {
      query.put("worker", q.worker());
    }
    if (q.guidContains() != null) {
      query.put(TaskIds.GUID, new JsonObject().put("$regex", literal(q.guidContains())));
    }
    if (q.before() != null) {
      Object at = dates.apply(q.before().createdAt());
      query.put("$or", new JsonArray()
          .add(new JsonObject().put("createdAt", new JsonObject().put("$lt", at)))
          .add(new JsonObject().put("createdAt", at).put("_id", new JsonObject().put("$gt", TaskIds.documentId(q.before().guid())))));
    }
    if (q.state() != null) {
      query.put("state", q.state().wire());
    }
    if (q.taskType() != null) {
      query.put("name", q.taskType());
    }
    if (q.suiteGuid() != null) {
      query.put("suiteGuid", q.suiteGuid());
    }
    return query;
  }

  /** A pattern matching this text as typed: every character that means something to a regex escaped. */
  static String literal(String text) {
    StringBuilder out = new StringBuilder(text.length() + 8);
    for (char c : text.toCharArray()) {
      if ("\\^$.|?*+()[]{}/-".indexOf(c) >= 0) {
        out.append('\\');
      }
      out.append(c);
    }
    return out.toString();
  }

  static JsonObject finishedAfter(List<String> taskTypes, ResultPosition after, Function<Instant, Object> dates) {
    JsonObject query = new JsonObject()
        .put("name", new JsonObject().put("$in", new JsonArray(List.copyOf(taskTypes))))
        .put("state", new JsonObject().put("$in", states(true)));
    if (after != null) {
      Object at = dates.apply(after.finishedAt());
      query.put("$or", new JsonArray()
          .add(new JsonObject().put("lastFinishedAt", new JsonObject().put("$gt", at)))
          .add(new JsonObject().put("lastFinishedAt", at).put("_id", new JsonObject().put("$gt", TaskIds.documentId(after.guid())))));
    }
    return query;
  }

  static JsonObject unfinished() {
    return new JsonObject().put("state", new JsonObject().put("$in", states(false)));
  }

  /** The aggregate counting a suite's tasks by state (the embedded store answers it from its suite index). */
  static JsonObject countByState(String suiteGuid) {
    return new JsonObject()
        .put("aggregate", MongoTaskStore.COLLECTION)
        .put("pipeline", new JsonArray()
            .add(new JsonObject().put("$match", new JsonObject().put("suiteGuid", suiteGuid)))
            .add(new JsonObject().put("$group", new JsonObject().put("_id", "$state").put("n", new JsonObject().put("$sum", 1)))))
        .put("cursor", new JsonObject());
  }

  /** The rows of {@link #countByState}'s answer. */
  static java.util.Map<String, Long> counts(JsonArray rows) {
    java.util.Map<String, Long> counts = new java.util.TreeMap<>();
    rows.forEach(o -> {
      JsonObject row = (JsonObject) o;
      counts.put(row.getString("_id"), ((Number) row.getValue("n")).longValue());
    });
    return counts;
  }

  private static JsonArray states(boolean terminal) {
    return new JsonArray(Arrays.stream(TaskState.values()).filter(s -> s.terminal() == terminal).map(TaskState::wire).toList());
  }

  private TaskFilters() {
  }
}
