package io.tef.core.store;

import io.vertx.core.json.JsonObject;
import io.vertx.core.Future;

import java.util.List;

/**
 * Worker records ({@code workers}), one document per worker name ({@code _id}), owned by the
 * collective. Written and deleted by {@code _id}; read whole once, when a collective starts.
 */
public interface WorkerRecords {

  /** Every record; a scan, done once at start. */
  Future<List<JsonObject>> all();

  /** Writes the record over the stored one with the same {@code _id}, or creates it. */
  Future<Void> save(JsonObject document);

  Future<Void> delete(String name);
}
