package io.tef.core.store;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.MongoClient;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Dispatcher leases and takeovers. Taking over a dead dispatcher is an insert keyed by its
 * instance id into {@code takeovers}: the one insert that succeeds decides who answers for its
 * tasks from then on, without a transaction or an election.
 */
public final class LeaseStore {

  public static final String LEASES = "dispatchers";
  public static final String TAKEOVERS = "takeovers";

  private final MongoClient client;

  public LeaseStore(MongoClient client) {
    this.client = client;
  }

  public static LeaseStore shared(Vertx vertx, String connectionString, String database) {
    return new LeaseStore(MongoTaskStore.sharedClient(vertx, connectionString, database));
  }

  public Future<Void> renew(DispatcherLease lease) {
    return client.save(LEASES, lease.toDocument()).mapEmpty();
  }

  public Future<List<DispatcherLease>> leases() {
    return client.find(LEASES, new JsonObject()).map(docs -> docs.stream().map(DispatcherLease::fromDocument).toList());
  }

  public Future<Void> drop(String instance) {
    return client.removeDocument(LEASES, new JsonObject().put("_id", instance)).mapEmpty();
  }

  /** True when {@code by} now answers for {@code dead}'s tasks; false when another got there first. */
  public Future<Boolean> takeOver(String dead, String by) {
    return client.insert(TAKEOVERS, new JsonObject().put("_id", dead).put("by", by)).map(id -> true)
        .recover(err -> MongoTaskStore.isDuplicateKey(err) ? Future.succeededFuture(false) : Future.failedFuture(err));
  }

  /** Every takeover so far: dead instance to the instance that took it over. */
  public Future<Map<String, String>> takeovers() {
    return client.find(TAKEOVERS, new JsonObject())
        .map(docs -> docs.stream().collect(Collectors.toMap(d -> d.getString("_id"), d -> d.getString("by"))));
  }

  public Future<Void> close() {
    return client.close();
  }
}
