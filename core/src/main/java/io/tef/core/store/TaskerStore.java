package io.tef.core.store;

import io.tef.core.tasker.TaskerResponse;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * tasker's records, owned by the AMQP door: {@code tasker_tasks} (one per task, fields as
 * tasker shows them plus {@code responders}, the endpoints that answered) and
 * {@code tasker_responses} (one per task and endpoint). One interface for both: recording a
 * response writes the response and adds its endpoint to the task's responders.
 */
public interface TaskerStore {

  /** The time as tasker's records write it. */
  static String now() {
    return Instant.now().truncatedTo(ChronoUnit.MILLIS).toString();
  }

  /** Stores a new task; {@code task} carries its {@code id}. */
  Future<Void> insertTask(JsonObject task);

  Future<Void> setStatus(String id, String status);

  /** The task with this id, else the newest of this type with this identifier; null when none. */
  Future<JsonObject> findTask(String type, String idOrIdentifier);

  /** The endpoints that have answered a task (received it). */
  Future<List<String>> responders(String taskId);

  /** Whether the task exists (a response to an unknown task is refused). */
  Future<Boolean> taskExists(String taskId);

  /**
   * Records an endpoint's response. CREATED makes the record if it is not there (a late or
   * repeated CREATED never undoes FINISHED); FINISHED writes the outcome. Then the endpoint joins
   * the task's responders. Repeating a response changes nothing more.
   */
  Future<Void> record(TaskerResponse r);

  /** A task's responses (as {@link #findTask} returned it), in the order they answered. */
  Future<JsonArray> responses(JsonObject task);
}
