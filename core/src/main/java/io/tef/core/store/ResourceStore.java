package io.tef.core.store;

import io.tef.core.resource.ResourceDefinition;
import io.tef.core.resource.ResourceHold;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.MongoClient;

import java.util.List;

/**
 * Resource definitions and the holds on them, in two small collections beside the tasks. Both
 * are read whole (they hold one document per resource and per held slot); writes go by {@code _id}.
 */
public final class ResourceStore {

  public static final String DEFINITIONS = "resources";
  public static final String HOLDS = "resource_holds";

  private final MongoClient client;

  public ResourceStore(MongoClient client) {
    this.client = client;
  }

  public static ResourceStore shared(Vertx vertx, String connectionString, String database) {
    return new ResourceStore(MongoTaskStore.sharedClient(vertx, connectionString, database));
  }

  public Future<List<ResourceDefinition>> definitions() {
    return client.find(DEFINITIONS, new JsonObject())
        .map(docs -> docs.stream().map(d -> ResourceDefinition.fromJson(withoutId(d))).toList());
  }

  public Future<ResourceDefinition> definition(String name) {
    return client.findOne(DEFINITIONS, new JsonObject().put("_id", name), null)
        .map(d -> d == null ? null : ResourceDefinition.fromJson(withoutId(d)));
  }

  public Future<Void> put(ResourceDefinition def) {
    return client.save(DEFINITIONS, def.toJson().put("_id", def.name())).mapEmpty();
  }

  /** True when there was a definition to delete. */
  public Future<Boolean> delete(String name) {
    return client.removeDocument(DEFINITIONS, new JsonObject().put("_id", name)).map(r -> r != null && r.getRemovedCount() > 0);
  }

  public Future<List<ResourceHold>> holds() {
    return client.find(HOLDS, new JsonObject()).map(docs -> docs.stream().map(ResourceHold::fromDocument).toList());
  }

  /** Takes the slot; true when taken, false when someone holds it already. */
  public Future<Boolean> take(ResourceHold hold) {
    return client.insert(HOLDS, hold.toDocument()).map(id -> true)
        .recover(err -> MongoTaskStore.isDuplicateKey(err) ? Future.succeededFuture(false) : Future.failedFuture(err));
  }

  /** Frees the slot if this attempt of this task still holds it. */
  public Future<Void> release(ResourceHold hold) {
    return client.removeDocument(HOLDS, new JsonObject().put("_id", hold.id()).put("guid", hold.guid()).put("attempt", hold.attempt()))
        .mapEmpty();
  }

  private static JsonObject withoutId(JsonObject doc) {
    JsonObject copy = doc.copy();
    copy.remove("_id");
    return copy;
  }

  public Future<Void> close() {
    return client.close();
  }
}
