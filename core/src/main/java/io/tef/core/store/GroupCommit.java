package io.tef.core.store;

import io.tef.core.metrics.StoreMetrics;
import io.tef.core.task.Task;
import io.tef.core.task.TaskQuery;
import io.tef.protocol.task.ResultPosition;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A {@link TaskStore} whose inserts and saves share round trips (group commit). A write goes to
 * the store at once, with whatever else arrived in the same turn of the event loop, while fewer
 * than {@link #MAX_IN_FLIGHT} batches are at the store; otherwise it waits for the next batch,
 * sent the moment one comes back. There is no timer, so an idle system pays no delay, and under
 * load N writes cost a few round trips instead of N. Each write is still answered only with the
 * store's own acknowledgement of it: batching never answers a write the store has not taken.
 * <p>
 * Made on the thread of the event loop it serves (a verticle's start); writes from elsewhere are
 * moved onto it. Reads go straight to the store.
 */
public final class GroupCommit implements TaskStore {

  /** Writes in one batch at most (a bulk write of this many task documents is well under the wire's 48 MB). */
  static final int MAX_BATCH = 256;
  /** Batches at the store at once: one can be applied while the other commits. */
  static final int MAX_IN_FLIGHT = 2;

  private final TaskStore store;
  private final Context context;
  private final Thread loop;
  private final ArrayDeque<TaskWrite> waiting = new ArrayDeque<>();
  /** Tasks with a write at the store: their next write waits for it, so writes of a task land in order. */
  private final Set<String> atStore = new HashSet<>();
  private int inFlight;
  private boolean flushScheduled;
  private long batches;
  private long writes;

  private final StoreMetrics metrics;

  public GroupCommit(TaskStore store, Context context, StoreMetrics metrics) {
    this.metrics = metrics;
    this.store = store;
    this.context = context;
    this.loop = Thread.currentThread();
  }

  @Override
  public Future<Void> start() {
    return store.start();
  }

  @Override
  public Future<InsertOutcome> insert(Task task) {
    Promise<InsertOutcome> done = Promise.promise();
    enqueue(new TaskWrite.Insert(task, done));
    return done.future();
  }

  @Override
  public Future<SaveOutcome> save(Task task) {
    Promise<SaveOutcome> done = Promise.promise();
    enqueue(new TaskWrite.Save(task, done));
    return done.future();
  }

  @Override
  public void writeAll(List<TaskWrite> batch) {
    batch.forEach(this::enqueue);
  }

  private void enqueue(TaskWrite write) {
    if (Thread.currentThread() != loop) {
      context.runOnContext(v -> enqueue(write));
      return;
    }
    waiting.add(write);
    if (!flushScheduled && inFlight < MAX_IN_FLIGHT) {
      flushScheduled = true;
      context.runOnContext(v -> {
        flushScheduled = false;
        flush();
      });
    }
  }

  private void flush() {
    while (inFlight < MAX_IN_FLIGHT && !waiting.isEmpty()) {
      List<TaskWrite> batch = nextBatch();
      if (batch.isEmpty()) {
        return; // the next write's task has one at the store; its return flushes again
      }
      inFlight++;
      batches++;
      writes += batch.size();
      long sent = System.nanoTime();
      Future.join(batch.stream().map(GroupCommit::done).toList()).onComplete(ar -> {
        metrics.batch(batch.size(), System.nanoTime() - sent);
        inFlight--;
        batch.forEach(w -> atStore.remove(w.task().guid()));
        flush();
      });
      store.writeAll(batch);
    }
  }

  /**
   * Up to MAX_BATCH waiting writes, in order, ending before a write of a task that has one at the
   * store already (it waits for that one to come back). Empty when the first waiting write is such.
   */
  private List<TaskWrite> nextBatch() {
    List<TaskWrite> batch = new ArrayList<>(Math.min(MAX_BATCH, waiting.size()));
    while (!waiting.isEmpty() && batch.size() < MAX_BATCH && atStore.add(waiting.peek().task().guid())) {
      batch.add(waiting.poll());
    }
    return batch;
  }

  private static Future<?> done(TaskWrite write) {
    return write instanceof TaskWrite.Insert i ? i.done().future() : ((TaskWrite.Save) write).done().future();
  }

  /** Batches sent and writes in them since this was made: their ratio is the mean batch size. */
  public long batches() {
    return batches;
  }

  public long writes() {
    return writes;
  }

  @Override
  public Future<Task> find(String guid) {
    return store.find(guid);
  }

  @Override
  public Future<List<Task>> list(TaskQuery query) {
    return store.list(query);
  }

  @Override
  public Future<Map<String, Long>> countByState(String suiteGuid) {
    return store.countByState(suiteGuid);
  }

  @Override
  public Future<List<Task>> finishedAfter(List<String> taskTypes, ResultPosition after, int limit) {
    return store.finishedAfter(taskTypes, after, limit);
  }

  @Override
  public Future<List<Task>> unfinished() {
    return store.unfinished();
  }

  @Override
  public Future<Void> close() {
    return store.close();
  }
}
