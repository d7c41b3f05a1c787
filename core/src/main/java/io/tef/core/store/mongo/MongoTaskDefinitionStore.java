package io.tef.core.store.mongo;

import io.tef.core.store.TaskDefinitionStore;
import io.tef.core.task.TaskDefinition;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.MongoClient;

import java.util.List;

/** {@link TaskDefinitionStore} on MongoDB. */
final class MongoTaskDefinitionStore implements TaskDefinitionStore {

  static final String COLLECTION = "task_types";

  private final MongoClient client;

  MongoTaskDefinitionStore(MongoClient client) {
    this.client = client;
  }

  @Override
  public Future<List<TaskDefinition>> all() {
    return client.find(COLLECTION, new JsonObject()).map(docs -> docs.stream().map(d -> {
      JsonObject copy = d.copy();
      copy.remove("_id");
      return TaskDefinition.fromJson(copy);
    }).toList());
  }

  @Override
  public Future<Void> put(TaskDefinition def) {
    return client.save(COLLECTION, def.toJson().put("_id", def.id())).mapEmpty();
  }

  @Override
  public Future<Boolean> putIfAbsent(TaskDefinition def) {
    return client.insert(COLLECTION, def.toJson().put("_id", def.id())).map(id -> true)
        .recover(err -> MongoStores.isDuplicateKey(err) ? Future.succeededFuture(false) : Future.failedFuture(err));
  }

  @Override
  public Future<Boolean> delete(String id) {
    return client.removeDocument(COLLECTION, new JsonObject().put("_id", id)).map(r -> r != null && r.getRemovedCount() > 0);
  }
}
