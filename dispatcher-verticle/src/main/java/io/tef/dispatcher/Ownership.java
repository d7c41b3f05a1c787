package io.tef.dispatcher;

import io.tef.core.store.DispatcherLease;
import io.tef.core.store.LeaseStore;
import io.tef.core.store.TaskStore;
import io.tef.core.task.Task;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Which dispatcher answers for which task. A task belongs to the dispatcher that accepted it
 * and only that one dispatches it, so two dispatchers on one store never dispatch the same
 * attempt. A dispatcher holds a lease in the store; when a lease dies (not renewed in time, or
 * its process gone from this host) a live dispatcher takes over its tasks with one unique insert
 * (see {@link LeaseStore#takeOver}). A dispatcher that cannot renew its lease in time stops
 * dispatching until it can; one that finds itself taken over stops for good.
 */
final class Ownership {

  private static final Logger LOG = LoggerFactory.getLogger(Ownership.class);
  /** Tasks stored without an owner (written by something other than a dispatcher). */
  private static final String NO_OWNER = "";

  private final Vertx vertx;
  private final LeaseStore leases;
  private final TaskStore tasks;
  private final Clock clock;
  private final String instance;
  private final String node;
  private final String host;
  private final long renewMs;
  private final long ttlMs;
  private final Consumer<List<Task>> adopt;
  private final Runnable mayDispatchAgain;
  private final Runnable onLost;
  private final Map<String, String> takeovers = new HashMap<>();
  private final Map<String, DispatcherLease> others = new HashMap<>();
  private Instant renewedAt;
  private boolean lost;
  private boolean fenced;
  private long timer = -1;
  private boolean checking;

  Ownership(Vertx vertx, LeaseStore leases, TaskStore tasks, Clock clock, String instance, String node,
            long renewMs, long ttlMs, Consumer<List<Task>> adopt, Runnable mayDispatchAgain, Runnable onLost) {
    this.onLost = onLost;
    this.vertx = vertx;
    this.leases = leases;
    this.tasks = tasks;
    this.clock = clock;
    this.instance = instance;
    this.node = node;
    this.host = hostName();
    this.renewMs = renewMs;
    this.ttlMs = ttlMs;
    this.adopt = adopt;
    this.mayDispatchAgain = mayDispatchAgain;
  }

  /** Takes the lease and answers with the stored tasks this dispatcher now answers for. */
  Future<List<Task>> start() {
    return renew().compose(v -> leases.takeovers()).compose(t -> {
      takeovers.putAll(t);
      return leases.leases();
    }).compose(all -> {
      noteOthers(all);
      return tasks.unfinished();
    }).compose(unfinished -> claimOrphans(unfinished)).onSuccess(v -> {
      noteLease();
      timer = vertx.setPeriodic(renewMs, id -> tick());
    });
  }

  /** Tells the other dispatchers this one is here; call once its consumers listen. */
  void announce() {
    vertx.eventBus().publish(io.tef.protocol.Addresses.EVENTS_DISPATCHERS,
        new DispatcherLease(instance, node, host, ProcessHandle.current().pid(), renewedAt).toDocument());
  }

  /** Another dispatcher announced its start: count it as live until its lease says otherwise. */
  void peerStarted(io.vertx.core.json.JsonObject announcement) {
    DispatcherLease lease = DispatcherLease.fromDocument(announcement);
    if (!lease.instance().equals(instance)) {
      others.put(lease.instance(), lease);
    }
  }

  /** May this dispatcher hand out work now: its lease is fresh and it was not taken over. */
  boolean mayDispatch() {
    return !lost && !fenced;
  }

  boolean lost() {
    return lost;
  }

  /** The live dispatcher instance that answers for a task stored under {@code owner}, or null. */
  String liveOwner(String owner) {
    String o = resolve(owner == null ? NO_OWNER : owner);
    if (o.equals(instance)) {
      return instance;
    }
    DispatcherLease l = others.get(o);
    return l != null && !l.dead(clock.instant(), ttlMs, host) ? o : null;
  }

  /** The other live dispatcher instances, as last read. */
  List<String> liveOthers() {
    Instant now = clock.instant();
    return others.values().stream().filter(l -> !l.dead(now, ttlMs, host)).map(DispatcherLease::instance).sorted().toList();
  }

  private void tick() {
    if (lost) {
      return;
    }
    // A renewal that is slow to land counts as failing: stop dispatching before others may
    // think this lease dead (a margin of two renewals), and go on once one lands.
    if (!fenced && renewedAt != null && renewedAt.plusMillis(ttlMs - 2 * renewMs).isBefore(clock.instant())) {
      fenced = true;
      LOG.error("Dispatcher {} has not renewed its lease since {}: it stops dispatching until it does", instance, renewedAt);
    }
    if (checking) {
      return;
    }
    checking = true;
    renew().compose(v -> leases.takeovers()).compose(t -> {
      takeovers.putAll(t);
      if (takeovers.containsKey(instance)) {
        lost = true;
        LOG.error("Dispatcher {} was taken over by {} after its lease lapsed: it lets go of every task and dispatches nothing more; restart this node",
            instance, takeovers.get(instance));
        onLost.run();
        return Future.succeededFuture();
      }
      return leases.leases().compose(all -> {
        noteOthers(all);
        return claimDeadLeases(all);
      });
    }).onComplete(ar -> {
      checking = false;
      noteLease();
      if (ar.failed()) {
        LOG.warn("Lease check of dispatcher {} failed: {}", instance, ar.cause().getMessage());
      }
    });
  }

  /** Leaves the lease's state where this node's readiness check reads it. */
  private void noteLease() {
    vertx.sharedData().getLocalMap(io.tef.core.NodeInfo.DISPATCHER_LEASES).put(instance, lost ? "lost" : fenced ? "fenced" : "held");
  }

  /** Renews the lease; a dispatcher whose lease may have lapsed stops dispatching until this succeeds. */
  private Future<Void> renew() {
    Instant now = clock.instant();
    return leases.renew(new DispatcherLease(instance, node, host, ProcessHandle.current().pid(), now))
        .onSuccess(v -> {
          renewedAt = now;
          if (fenced) {
            fenced = false;
            LOG.info("Dispatcher {} renewed its lease: dispatching again", instance);
            mayDispatchAgain.run();
          }
        })
        .onFailure(err -> LOG.warn("Dispatcher {} could not renew its lease: {}", instance, err.getMessage()));
  }

  private void noteOthers(List<DispatcherLease> all) {
    others.clear();
    all.stream().filter(l -> !l.instance().equals(instance)).forEach(l -> others.put(l.instance(), l));
  }

  /**
   * A lease that died (lapsed, or marked by a graceful stop) is claimed at once, whether or not
   * its dispatcher left tasks; the winner removes it and adopts the tasks.
   */
  private Future<Void> claimDeadLeases(List<DispatcherLease> all) {
    Instant now = clock.instant();
    List<DispatcherLease> dead = all.stream()
        .filter(l -> !l.instance().equals(instance) && l.dead(now, ttlMs, host)).toList();
    if (dead.isEmpty()) {
      return Future.succeededFuture();
    }
    List<Future<Boolean>> claims = dead.stream().map(l -> leases.takeOver(l.instance(), instance).compose(won -> {
      if (won) {
        takeovers.put(l.instance(), instance);
        LOG.info("Dispatcher {} takes over dispatcher {} ({}, lease {})", instance, l.instance(), l.node(),
            l.seenAt().equals(Instant.EPOCH) ? "stopped" : "lapsed at " + l.seenAt());
      }
      // Whoever won, the lease is dead: drop it so nobody looks at it again.
      return leases.drop(l.instance()).map(won);
    })).toList();
    return Future.all(claims).compose(cf -> {
      List<String> won = new ArrayList<>();
      List<String> stopped = new ArrayList<>();
      for (int i = 0; i < dead.size(); i++) {
        if (claims.get(i).result()) {
          won.add(dead.get(i).instance());
          if (dead.get(i).seenAt().equals(Instant.EPOCH)) {
            stopped.add(dead.get(i).instance());
          }
        }
      }
      if (won.isEmpty()) {
        return Future.succeededFuture();
      }
      return tasks.unfinished().map(unfinished -> {
        List<Task> mine = unfinished.stream()
            .filter(t -> t.owner() != null && !t.owner().equals(instance) && resolve(t.owner()).equals(instance)).toList();
        if (!mine.isEmpty()) {
          adopt.accept(mine);
        }
        // Said on the bus so operators (and tests) see when and what was taken over; "stopped"
        // names the dead that handed back their work with a graceful stop (the rest lapsed or vanished).
        vertx.eventBus().publish(io.tef.protocol.Addresses.EVENTS_DISPATCHERS, new io.vertx.core.json.JsonObject()
            .put("event", "took_over").put("dead", new io.vertx.core.json.JsonArray(won)).put("stopped", new io.vertx.core.json.JsonArray(stopped))
            .put("by", instance).put("tasks", mine.size()).put("at", clock.instant().toString()));
        return null;
      });
    });
  }

  /**
   * Claims the dead owners of these tasks (one insert each) and adopts the tasks of those it
   * wins. A dead owner is one with no live lease: gone without a trace, stopped gracefully
   * (its lease deleted), or lapsed.
   */
  private Future<List<Task>> claimOrphans(List<Task> unfinished) {
    Instant now = clock.instant();
    Map<String, List<Task>> byOwner = new HashMap<>();
    for (Task t : unfinished) {
      byOwner.computeIfAbsent(resolve(t.owner() == null ? NO_OWNER : t.owner()), o -> new ArrayList<>()).add(t);
    }
    List<Future<List<Task>>> claims = new ArrayList<>();
    for (Map.Entry<String, List<Task>> e : byOwner.entrySet()) {
      String owner = e.getKey();
      if (owner.equals(instance)) {
        continue;
      }
      DispatcherLease lease = others.get(owner);
      if (lease != null && !lease.dead(now, ttlMs, host)) {
        continue;
      }
      if (owner.equals(NO_OWNER)) {
        // Nobody claims unowned tasks; the first dispatcher to start alone on the store takes them.
        if (liveOthers().isEmpty()) {
          claims.add(Future.succeededFuture(e.getValue()));
        }
        continue;
      }
      claims.add(leases.takeOver(owner, instance).map(won -> {
        if (!won) {
          return List.<Task>of();
        }
        takeovers.put(owner, instance);
        leases.drop(owner);
        others.remove(owner);
        LOG.info("Dispatcher {} took over {} tasks of dispatcher {}, whose lease {}", instance, e.getValue().size(), owner,
            lease == null ? "is gone" : "lapsed at " + lease.seenAt());
        return e.getValue();
      }));
    }
    return Future.all(claims).map(cf -> {
      List<Task> mine = new ArrayList<>();
      for (int i = 0; i < claims.size(); i++) {
        mine.addAll(cf.<List<Task>>resultAt(i));
      }
      return mine;
    });
  }

  /** Follows takeovers to the instance that answers now. */
  private String resolve(String owner) {
    String o = owner;
    for (int hops = 0; hops < 1000 && takeovers.containsKey(o); hops++) {
      o = takeovers.get(o);
    }
    return o;
  }

  /** A graceful stop: the lease dies, so another dispatcher (or this node's next start) takes the tasks at once. */
  Future<Void> stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    vertx.sharedData().getLocalMap(io.tef.core.NodeInfo.DISPATCHER_LEASES).remove(instance);
    // Marked dead rather than deleted: a live dispatcher claims it on its next check, and if none
    // runs, the next to start finds its tasks' owner dead.
    return lost ? Future.succeededFuture()
        : leases.renew(new DispatcherLease(instance, node, host, ProcessHandle.current().pid(), Instant.EPOCH));
  }

  private static String hostName() {
    try {
      return java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.net.UnknownHostException e) {
      return "localhost";
    }
  }
}
