package io.tef.collective;

import io.tef.core.store.WorkerRecords;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Writes worker records by {@code _id}. Writes of one name run one after another, so a delete is
 * never overtaken by an older save; a save not yet started takes every change made before it
 * starts, so a burst of changes costs one write. Changes a worker re-tells on its next heartbeat
 * (status, last seen, counters) are written at most once per interval; the rest at once.
 */
final class RecordWriter {

  private static final Logger LOG = LoggerFactory.getLogger(RecordWriter.class);

  private final Vertx vertx;
  private final WorkerRecords records;
  private final long intervalNanos;
  private final Map<String, Future<Void>> tails = new HashMap<>();
  private final Map<String, Future<Void>> queued = new HashMap<>();

  RecordWriter(Vertx vertx, WorkerRecords records, long intervalMs) {
    this.vertx = vertx;
    this.records = records;
    this.intervalNanos = TimeUnit.MILLISECONDS.toNanos(intervalMs);
  }

  /** Saves soon; completes once a write holding every change made so far is done. */
  Future<Void> saveNow(WorkerEntry e) {
    cancelThrottle(e);
    Future<Void> waiting = queued.get(e.name);
    if (waiting != null) {
      return waiting;
    }
    Promise<Void> done = Promise.promise();
    queued.put(e.name, done.future());
    chain(e.name, () -> {
      queued.remove(e.name, done.future());
      e.lastWriteNanos = System.nanoTime();
      return e.removed ? Future.succeededFuture() : records.save(e.toDocument());
    }).onComplete(done);
    return done.future();
  }

  /** Saves within the interval since the entry's last write. */
  void saveLater(WorkerEntry e) {
    if (e.throttleTimer >= 0 || queued.containsKey(e.name) || e.removed) {
      return;
    }
    long waitMs = TimeUnit.NANOSECONDS.toMillis(intervalNanos - (System.nanoTime() - e.lastWriteNanos));
    if (waitMs <= 0) {
      saveNow(e);
    } else {
      e.throttleTimer = vertx.setTimer(waitMs, id -> {
        e.throttleTimer = -1;
        saveNow(e);
      });
    }
  }

  Future<Void> delete(WorkerEntry e) {
    e.removed = true;
    cancelThrottle(e);
    return chain(e.name, () -> records.delete(e.name));
  }

  /** Writes every change still waiting for its interval; for a graceful stop. */
  Future<Void> flush(Collection<WorkerEntry> entries) {
    for (WorkerEntry e : entries) {
      if (e.throttleTimer >= 0) {
        saveNow(e);
      }
    }
    return Future.all(new ArrayList<>(tails.values())).mapEmpty();
  }

  private void cancelThrottle(WorkerEntry e) {
    if (e.throttleTimer >= 0) {
      vertx.cancelTimer(e.throttleTimer);
      e.throttleTimer = -1;
    }
  }

  private Future<Void> chain(String name, Supplier<Future<Void>> write) {
    Future<Void> tail = tails.getOrDefault(name, Future.succeededFuture());
    Future<Void> next = tail.transform(ar -> write.get())
        .onFailure(err -> LOG.warn("Writing the record of worker {} failed: {}", name, err.toString()));
    tails.put(name, next);
    next.onComplete(ar -> tails.remove(name, next));
    return next;
  }
}
