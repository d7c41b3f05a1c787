package io.tef.core.store.mongo;

import io.tef.core.resource.ResourceDefinition;
import io.tef.core.resource.ResourceHold;
import io.tef.core.store.ResourceStore;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.MongoClient;

import java.util.List;

/** {@link ResourceStore} on MongoDB: two small collections beside the tasks. */
final class MongoResourceStore implements ResourceStore {

  static final String DEFINITIONS = "resources";
  static final String HOLDS = "resource_holds";

  private final MongoClient client;

  MongoResourceStore(MongoClient client) {
    this.client = client;
  }

  @Override
  public Future<List<ResourceDefinition>> definitions() {
    return client.find(DEFINITIONS, new JsonObject())
        .map(docs -> docs.stream().map(d -> ResourceDefinition.fromJson(withoutId(d))).toList());
  }

  @Override
  public Future<ResourceDefinition> definition(String name) {
    return client.findOne(DEFINITIONS, new JsonObject().put("_id", name), null)
        .map(d -> d == null ? null : ResourceDefinition.fromJson(withoutId(d)));
  }

  @Override
  public Future<Void> put(ResourceDefinition def) {
    return client.save(DEFINITIONS, def.toJson().put("_id", def.name())).mapEmpty();
  }

  @Override
  public Future<Boolean> delete(String name) {
    return client.removeDocument(DEFINITIONS, new JsonObject().put("_id", name)).map(r -> r != null && r.getRemovedCount() > 0);
  }

  @Override
  public Future<List<ResourceHold>> holds() {
    return client.find(HOLDS, new JsonObject()).map(docs -> docs.stream().map(ResourceHold::fromDocument).toList());
  }

  @Override
  public Future<Boolean> take(ResourceHold hold) {
    return client.insert(HOLDS, hold.toDocument()).map(id -> true)
        .recover(err -> MongoStores.isDuplicateKey(err) ? Future.succeededFuture(false) : Future.failedFuture(err));
  }

  @Override
  public Future<Void> release(ResourceHold hold) {
    return client.removeDocument(HOLDS, new JsonObject().put("_id", hold.id()).put("guid", hold.guid()).put("attempt", hold.attempt()))
        .mapEmpty();
  }

  private static JsonObject withoutId(JsonObject doc) {
    JsonObject copy = doc.copy();
    copy.remove("_id");
    return copy;
  }
}
