package io.tef.core.store.mongo;

import io.tef.core.store.TaskerStore;

import io.tef.core.tasker.TaskerResponse;
import io.vertx.core.Future;
import io.tef.core.json.StoredJson;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.FindOptions;
import io.vertx.ext.mongo.MongoClient;
import io.vertx.ext.mongo.UpdateOptions;

import java.util.ArrayList;
import java.util.List;

/**
 * {@link TaskerStore} on MongoDB: {@code tasker_tasks} (one per task, fields as tasker shows them plus
 * {@code responders}, the endpoints that answered) and {@code tasker_responses} (one per task
 * and endpoint, {@code _id} = {@code <task id>/<endpoint>}). Everything is read and written by
 * {@code _id}, the only query the embedded store answers from an index; a task's responses are
 * found through its {@code responders}. Only a lookup by {@code identifier} scans.
 */
final class MongoTaskerStore implements TaskerStore {

  static final String TASKS = "tasker_tasks";
  static final String RESPONSES = "tasker_responses";

  private final MongoClient client;

  MongoTaskerStore(MongoClient client) {
    this.client = client;
  }

  /** Stores a new task; {@code task} carries its {@code id}. */
  @Override
  public Future<Void> insertTask(JsonObject task) {
    return client.insert(TASKS, document(task)).mapEmpty();
  }

  @Override
  public Future<Void> setStatus(String id, String status) {
    return client.updateCollection(TASKS, new JsonObject().put("_id", id),
        new JsonObject().put("$set", new JsonObject().put("status", status))).mapEmpty();
  }

  /** The task with this id, else the newest of this type with this identifier (a scan: identifiers are not unique). */
  @Override
  public Future<JsonObject> findTask(String type, String idOrIdentifier) {
    return client.findOne(TASKS, new JsonObject().put("_id", idOrIdentifier), null).compose(doc -> {
      if (doc != null && type.equals(doc.getString("type"))) {
        return Future.succeededFuture(doc);
      }
      return client.findWithOptions(TASKS, new JsonObject().put("type", type).put("identifier", idOrIdentifier),
              new FindOptions().setSort(new JsonObject().put("start_time", -1)).setLimit(1))
          .map(list -> list.isEmpty() ? null : list.get(0));
    }).map(doc -> doc == null ? null : view(doc));
  }

  /** The endpoints that have answered a task (received it), read by {@code _id}. */
  @Override
  public Future<List<String>> responders(String taskId) {
    return client.findOne(TASKS, new JsonObject().put("_id", taskId), new JsonObject().put("responders", 1))
        .map(doc -> doc == null ? List.of() : strings(doc.getJsonArray("responders")));
  }

  /** Whether the task exists (a response to an unknown task is refused). */
  @Override
  public Future<Boolean> taskExists(String taskId) {
    return client.findOne(TASKS, new JsonObject().put("_id", taskId), new JsonObject().put("_id", 1)).map(doc -> doc != null);
  }

  /**
   * Records an endpoint's response. CREATED makes the record if it is not there (a late or
   * repeated CREATED never undoes FINISHED); FINISHED writes the outcome. Then the endpoint joins
   * the task's responders. Repeating a response changes nothing more.
   */
  @Override
  public Future<Void> record(TaskerResponse r) {
    String now = TaskerStore.now();
    JsonObject id = new JsonObject().put("_id", r.taskId() + "/" + r.endpoint());
    JsonObject onInsert = new JsonObject().put("task_id", r.taskId()).put("endpoint", r.endpoint()).put("start_time", now);
    JsonObject update;
    if (TaskerResponse.CREATED.equals(r.status())) {
      onInsert.put("status", TaskerResponse.CREATED).put("errnr", 0).putNull("errmsg").putNull("payload").put("last_modified_time", now);
      update = new JsonObject().put("$setOnInsert", onInsert);
    } else {
      JsonObject set = new JsonObject().put("status", TaskerResponse.FINISHED).put("errnr", r.errnr()).put("errmsg", r.errmsg())
          .put("last_modified_time", now);
      StoredJson.put(set, "payload", r.payload());
      // The one of payload / payloadJson not set now must not linger from an earlier response.
      JsonObject unset = new JsonObject().put(set.containsKey("payload") ? "payloadJson" : "payload", "");
      if (r.payload() == null) {
        set.putNull("payload");
        unset = new JsonObject().put("payloadJson", "");
      }
      update = new JsonObject().put("$setOnInsert", onInsert).put("$set", set).put("$unset", unset);
    }
    return client.updateCollectionWithOptions(RESPONSES, id, update, new UpdateOptions().setUpsert(true))
        .compose(v -> client.updateCollection(TASKS, new JsonObject().put("_id", r.taskId()),
            new JsonObject().put("$addToSet", new JsonObject().put("responders", r.endpoint()))))
        .mapEmpty();
  }

  /** A task's responses, one read by {@code _id} per endpoint that answered, in the order they answered. */
  @Override
  public Future<JsonArray> responses(JsonObject task) {
    List<Future<JsonObject>> reads = new ArrayList<>();
    for (String endpoint : strings(task.getJsonArray("responders"))) {
      reads.add(client.findOne(RESPONSES, new JsonObject().put("_id", task.getString("id") + "/" + endpoint), null));
    }
    return Future.all(reads).map(all -> {
      JsonArray list = new JsonArray();
      for (int i = 0; i < all.size(); i++) {
        JsonObject doc = all.resultAt(i);
        if (doc != null) {
          list.add(new JsonObject().put("id", doc.getString("_id"))
              .put("task_id", doc.getString("task_id")).put("endpoint", doc.getString("endpoint"))
              .put("status", doc.getString("status")).put("errnr", doc.getInteger("errnr", 0))
              .put("errmsg", doc.getString("errmsg")).put("payload", StoredJson.get(doc, "payload"))
              .put("start_time", doc.getString("start_time")).put("last_modified_time", doc.getString("last_modified_time")));
        }
      }
      return list;
    });
  }

  private static JsonObject document(JsonObject task) {
    JsonObject doc = task.copy();
    doc.put("_id", doc.remove("id"));
    Object payload = doc.remove("payload");
    StoredJson.put(doc, "payload", payload);
    doc.put("responders", new JsonArray());
    return doc;
  }

  /** As REST shows it: tasker's fields, and {@code responders} for the caller to read responses by. */
  private static JsonObject view(JsonObject doc) {
    JsonObject v = new JsonObject().put("id", doc.getValue("_id"));
    doc.forEach(e -> {
      if (!"_id".equals(e.getKey()) && !"payloadJson".equals(e.getKey())) {
        v.put(e.getKey(), e.getValue());
      }
    });
    return v.put("payload", StoredJson.get(doc, "payload"));
  }

  private static List<String> strings(JsonArray a) {
    List<String> out = new ArrayList<>();
    if (a != null) {
      a.forEach(o -> {
        if (o instanceof String s) {
          out.add(s);
        }
      });
    }
    return out;
  }
}
