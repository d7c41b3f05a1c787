package io.tef.core.store.mongo;

import io.tef.core.store.DispatcherLease;
import io.tef.core.store.LeaseStore;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.MongoClient;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** {@link LeaseStore} on MongoDB. */
final class MongoLeaseStore implements LeaseStore {

  static final String LEASES = "dispatchers";
  static final String TAKEOVERS = "takeovers";

  private final MongoClient client;

  MongoLeaseStore(MongoClient client) {
    this.client = client;
  }

  @Override
  public Future<Void> renew(DispatcherLease lease) {
    return client.save(LEASES, lease.toDocument()).mapEmpty();
  }

  @Override
  public Future<List<DispatcherLease>> leases() {
    return client.find(LEASES, new JsonObject()).map(docs -> docs.stream().map(DispatcherLease::fromDocument).toList());
  }

  @Override
  public Future<Void> drop(String instance) {
    return client.removeDocument(LEASES, new JsonObject().put("_id", instance)).mapEmpty();
  }

  @Override
  public Future<Boolean> takeOver(String dead, String by) {
    return client.insert(TAKEOVERS, new JsonObject().put("_id", dead).put("by", by)).map(id -> true)
        .recover(err -> MongoStores.isDuplicateKey(err) ? Future.succeededFuture(false) : Future.failedFuture(err));
  }

  @Override
  public Future<Map<String, String>> takeovers() {
    return client.find(TAKEOVERS, new JsonObject())
        .map(docs -> docs.stream().collect(Collectors.toMap(d -> d.getString("_id"), d -> d.getString("by"))));
  }
}
