package io.tef.core.store;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.MongoClient;
import io.vertx.ext.mongo.UpdateOptions;

import java.util.List;

/**
 * The {@code workers} collection: one document per worker name ({@code _id}). Written and
 * deleted by {@code _id} only, the query the embedded store answers from its index; read whole
 * once, when a collective starts.
 */
public final class WorkerRecords {

  public static final String COLLECTION = "workers";

  private final MongoClient client;

  WorkerRecords(MongoClient client) {
    this.client = client;
  }

  /** Every record; a scan, done once at start. */
  public Future<List<JsonObject>> all() {
    return client.find(COLLECTION, new JsonObject());
  }

  /** Writes the record over the stored one with the same {@code _id}, or creates it. */
  public Future<Void> save(JsonObject document) {
    return client.replaceDocumentsWithOptions(COLLECTION, new JsonObject().put("_id", document.getString("_id")), document,
        new UpdateOptions().setUpsert(true)).mapEmpty();
  }

  public Future<Void> delete(String name) {
    return client.removeDocument(COLLECTION, new JsonObject().put("_id", name)).mapEmpty();
  }
}
