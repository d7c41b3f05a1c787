package io.tef.core.store;

import io.vertx.core.Future;

import java.util.List;
import java.util.Map;

/**
 * Dispatcher leases ({@code dispatchers}) and takeovers ({@code takeovers}), owned by the
 * dispatcher. Taking over a dead dispatcher is an insert keyed by its instance id: the one insert
 * that succeeds decides who answers for its tasks from then on, without a transaction or an election.
 */
public interface LeaseStore {

  Future<Void> renew(DispatcherLease lease);

  Future<List<DispatcherLease>> leases();

  Future<Void> drop(String instance);

  /** True when {@code by} now answers for {@code dead}'s tasks; false when another got there first. */
  Future<Boolean> takeOver(String dead, String by);

  /** Every takeover so far: dead instance to the instance that took it over. */
  Future<Map<String, String>> takeovers();
}
