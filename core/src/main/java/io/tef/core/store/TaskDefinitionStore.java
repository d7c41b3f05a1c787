package io.tef.core.store;

import io.tef.core.task.TaskDefinition;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.MongoClient;

import java.util.List;

/** Task definitions, one document per task type in {@code task_types}; read whole, written by {@code _id}. */
public final class TaskDefinitionStore {

  public static final String COLLECTION = "task_types";

  private final MongoClient client;

  public TaskDefinitionStore(MongoClient client) {
    this.client = client;
  }

  public static TaskDefinitionStore shared(Vertx vertx, String connectionString, String database) {
    return new TaskDefinitionStore(MongoTaskStore.sharedClient(vertx, connectionString, database));
  }

  public Future<List<TaskDefinition>> all() {
    return client.find(COLLECTION, new JsonObject()).map(docs -> docs.stream().map(d -> {
      JsonObject copy = d.copy();
      copy.remove("_id");
      return TaskDefinition.fromJson(copy);
    }).toList());
  }

  public Future<Void> put(TaskDefinition def) {
    return client.save(COLLECTION, def.toJson().put("_id", def.id())).mapEmpty();
  }

  /** Writes the definition only if none exists: a definition made by hand is never overwritten by an automatic one. */
  public Future<Boolean> putIfAbsent(TaskDefinition def) {
    return client.insert(COLLECTION, def.toJson().put("_id", def.id())).map(id -> true)
        .recover(err -> MongoTaskStore.isDuplicateKey(err) ? Future.succeededFuture(false) : Future.failedFuture(err));
  }

  public Future<Boolean> delete(String id) {
    return client.removeDocument(COLLECTION, new JsonObject().put("_id", id)).map(r -> r != null && r.getRemovedCount() > 0);
  }

  public Future<Void> close() {
    return client.close();
  }
}
