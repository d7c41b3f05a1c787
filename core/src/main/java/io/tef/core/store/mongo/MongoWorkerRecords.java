package io.tef.core.store.mongo;

import io.tef.core.store.WorkerRecords;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.MongoClient;
import io.vertx.ext.mongo.UpdateOptions;

import java.util.List;

/** {@link WorkerRecords} on MongoDB: by {@code _id} only, the query the embedded store answers from its index. */
final class MongoWorkerRecords implements WorkerRecords {

  static final String COLLECTION = "workers";

  private final MongoClient client;

  MongoWorkerRecords(MongoClient client) {
    this.client = client;
  }

  @Override
  public Future<List<JsonObject>> all() {
    return client.find(COLLECTION, new JsonObject());
  }

  @Override
  public Future<Void> save(JsonObject document) {
    return client.replaceDocumentsWithOptions(COLLECTION, new JsonObject().put("_id", document.getString("_id")), document,
        new UpdateOptions().setUpsert(true)).mapEmpty();
  }

  @Override
  public Future<Void> delete(String name) {
    return client.removeDocument(COLLECTION, new JsonObject().put("_id", name)).mapEmpty();
  }
}
