package io.tef.dispatcher;

import io.tef.core.config.RetentionSettings;
import io.tef.core.metrics.TaskMetrics;
import io.tef.core.store.FinishedTasks;
import io.tef.core.store.KeeperCheckpoint;
import io.tef.core.store.KeeperCheckpoints;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Retention: removes finished tasks once they are older than their state's age
 * ({@code retention.completed|failed|cancelled}) and, with {@code retention.max_finished}, the
 * oldest beyond the cap. Only finished tasks (the removal filters by state again), and never one a
 * keeper has not passed: for a type a keeper follows, nothing that ended at or after its checkpoint
 * goes (a keeper with no position yet holds all of its types). Runs every {@code sweep_ms}, one
 * sweep at a time, in batches of {@code batch} guids, one store command each, waiting for each
 * before the next: off the dispatch path, which never waits for it.
 */
final class RetentionSweeper {

  private static final Logger LOG = LoggerFactory.getLogger(RetentionSweeper.class);
  /** The cap removes at most this many per sweep (it reads the oldest sorted); the next sweep goes on. */
  private static final int CAP_PER_SWEEP = 10_000;

  private final Vertx vertx;
  private final RetentionSettings settings;
  private final FinishedTasks finished;
  private final KeeperCheckpoints keepers;
  private final TaskMetrics metrics;
  private final Clock clock;
  private long timer = -1;
  private boolean sweeping;

  RetentionSweeper(Vertx vertx, RetentionSettings settings, FinishedTasks finished, KeeperCheckpoints keepers, TaskMetrics metrics, Clock clock) {
    this.vertx = vertx;
    this.settings = settings;
    this.finished = finished;
    this.keepers = keepers;
    this.metrics = metrics;
    this.clock = clock;
  }

  void start() {
    timer = vertx.setPeriodic(settings.sweepMs(), id -> {
      if (!sweeping) {
        sweep();
      }
    });
  }

  void stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
  }

  /** One sweep; answers what it removed, by state. */
  Future<Map<String, Long>> sweep() {
    sweeping = true;
    Map<String, Long> removed = new LinkedHashMap<>();
    Instant now = clock.instant();
    return keepers.all().compose(checkpoints -> {
      Map<String, Instant> held = heldFrom(checkpoints);
      Future<Void> chain = Future.succeededFuture();
      for (Map.Entry<String, Duration> age : ages().entrySet()) {
        String state = age.getKey();
        Instant cutoff = now.minus(age.getValue());
        List<String> followed = List.copyOf(held.keySet());
        chain = chain.compose(v -> drain(state, () -> finished.endedBefore(state, cutoff, null, followed, settings.batch()), removed));
        for (Map.Entry<String, Instant> h : held.entrySet()) {
          Instant c = h.getValue().isBefore(cutoff) ? h.getValue() : cutoff;
          chain = chain.compose(v -> drain(state, () -> finished.endedBefore(state, c, List.of(h.getKey()), null, settings.batch()), removed));
        }
      }
      return settings.maxFinished() > 0 ? chain.compose(v -> cap(held, removed)) : chain;
    }).map(v -> {
      if (!removed.isEmpty()) {
        LOG.info("Retention removed {} finished tasks: {}", removed.values().stream().mapToLong(Long::longValue).sum(), removed);
      }
      return removed;
    }).onComplete(ar -> {
      sweeping = false;
      if (ar.failed()) {
        LOG.warn("A retention sweep stopped early: {}; the next one goes on", ar.cause().getMessage());
      }
    });
  }

  private Map<String, Duration> ages() {
    Map<String, Duration> ages = new LinkedHashMap<>();
    put(ages, "completed", settings.completedAge());
    put(ages, "failed", settings.failedAge());
    put(ages, "cancelled", settings.cancelledAge());
    return ages;
  }

  private static void put(Map<String, Duration> ages, String state, Duration age) {
    if (age != null) {
      ages.put(state, age);
    }
  }

  /** For each type some keeper follows: the earliest end any of them has not passed (EPOCH: one has no position yet). */
  private static Map<String, Instant> heldFrom(List<KeeperCheckpoint> checkpoints) {
    Map<String, Instant> held = new HashMap<>();
    for (KeeperCheckpoint c : checkpoints) {
      Instant at = c.position() == null || c.position().finishedAt() == null ? Instant.EPOCH : c.position().finishedAt();
      for (String type : c.taskTypes()) {
        held.merge(type, at, (a, b) -> a.isBefore(b) ? a : b);
      }
    }
    return held;
  }

  /**
   * Reads a batch, removes it, and again until a batch comes back short: a loop of callbacks, not a
   * chain of composed futures (a million tasks make thousands of batches).
   */
  private Future<Void> drain(String state, Supplier<Future<List<String>>> batch, Map<String, Long> removed) {
    Promise<Void> done = Promise.promise();
    next(state, batch, removed, done);
    return done.future();
  }

  private void next(String state, Supplier<Future<List<String>>> batch, Map<String, Long> removed, Promise<Void> done) {
    batch.get().compose(guids -> finished.remove(guids).map(n -> {
      count(state, n, removed);
      return guids.size() >= settings.batch() && n > 0;
    })).onComplete(ar -> {
      if (ar.failed()) {
        done.fail(ar.cause());
      } else if (ar.result()) {
        next(state, batch, removed, done);
      } else {
        done.complete();
      }
    });
  }

  /** The oldest finished tasks beyond {@code max_finished}, but none a keeper holds. */
  private Future<Void> cap(Map<String, Instant> held, Map<String, Long> removed) {
    return finished.count().compose(total -> {
      long excess = total - settings.maxFinished();
      if (excess <= 0) {
        return Future.succeededFuture();
      }
      return finished.oldest((int) Math.min(excess, CAP_PER_SWEEP)).compose(oldest -> {
        List<String> go = new ArrayList<>();
        for (FinishedTasks.Ended e : oldest) {
          Instant h = held.get(e.taskType());
          if (h == null || e.finishedAt().isBefore(h)) {
            go.add(e.guid());
          }
        }
        return removeInBatches(go, 0, removed);
      });
    });
  }

  private Future<Void> removeInBatches(List<String> guids, int from, Map<String, Long> removed) {
    if (from >= guids.size()) {
      return Future.succeededFuture();
    }
    List<String> part = guids.subList(from, Math.min(guids.size(), from + settings.batch()));
    return finished.remove(part).compose(n -> {
      count("max_finished", n, removed);
      return removeInBatches(guids, from + part.size(), removed);
    });
  }

  private void count(String why, long n, Map<String, Long> removed) {
    if (n > 0) {
      removed.merge(why, n, Long::sum);
      metrics.removed(why, n);
    }
  }
}
