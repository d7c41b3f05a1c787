package io.tef.core.store.mongo;

import io.tef.core.store.GroupCommit;
import io.tef.core.store.InsertOutcome;
import io.tef.core.store.SaveOutcome;
import io.tef.core.store.TaskStore;
import io.tef.core.store.TaskWrite;
import io.tef.core.store.local.LocalStores;
import io.tef.core.task.Task;
import io.tef.protocol.task.TaskDefaults;
import io.tef.protocol.task.TaskEnvelope;
import io.tef.store.embedded.EmbeddedStore;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Batched task writes (one bulk write, an outcome per write) and the group commit that makes them. */
@ExtendWith(VertxExtension.class)
class TaskBatchTest {

  @TempDir
  Path dataDir;
  private EmbeddedStore embedded;
  private TaskStore store;

  /** Through the wire here; {@link InProcessTaskBatchTest} runs every test on the in-process path. */
  boolean inProcess() {
    return false;
  }

  @BeforeEach
  void open(Vertx vertx) throws Exception {
    embedded = EmbeddedStore.onDisk(dataDir, "127.0.0.1", 0);
    if (inProcess()) {
      LocalStores.register(vertx, embedded.connectionString(), embedded::run);
    }
    store = MongoStores.shared(vertx, embedded.connectionString(), "tef").tasks();
    assertEquals(inProcess(), store instanceof LocalTaskStore);
    await(store.start());
  }

  @AfterEach
  void close() throws Exception {
    await(store.close());
    embedded.close();
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  private static Task task(String guid) {
    return Task.accepted(TaskEnvelope.parse(new JsonObject().put("task_type", "echo"), TaskDefaults.TEF), guid,
        Instant.now().truncatedTo(ChronoUnit.MILLIS), "test", "d1");
  }

  /**
   * One batch mixing every case: each write gets its own outcome, as insert and save alone give
   * it. Fails if a duplicate or a fenced-out replace is reported as written, or the others not.
   */
  @Test
  void eachWriteOfABatchGetsItsOwnOutcome() throws Exception {
    Task existing = task("existing");
    await(store.insert(existing));
    Task ahead = task("ahead");
    await(store.insert(ahead));
    Task aheadFirst = ahead.dispatched("w1", ahead.createdAt(), "d1");
    Task aheadSecond = aheadFirst.attemptLost("gone", ahead.createdAt().plusMillis(1), "d1").dispatched("w2", ahead.createdAt().plusMillis(2), "d1");
    await(store.save(aheadSecond));
    Task running = task("running");
    await(store.insert(running));

    Task fresh = task("fresh");
    Task late = aheadFirst.working(ahead.createdAt().plusMillis(3), "d1");
    Task done = running.dispatched("w", running.createdAt(), "d1").completed("ok", running.createdAt().plusSeconds(1), "w");
    Task nowhere = task("nowhere").dispatched("w", running.createdAt(), "d1");

    List<TaskWrite> batch = new ArrayList<>();
    Promise<InsertOutcome> freshOut = insertInto(batch, fresh);
    Promise<InsertOutcome> duplicateOut = insertInto(batch, task("existing"));
    Promise<SaveOutcome> lateOut = saveInto(batch, late);
    Promise<SaveOutcome> doneOut = saveInto(batch, done);
    Promise<SaveOutcome> nowhereOut = saveInto(batch, nowhere);
    store.writeAll(batch);

    assertTrue(await(freshOut.future()).created());
    InsertOutcome dup = await(duplicateOut.future());
    assertFalse(dup.created());
    assertEquals(existing, dup.task());
    SaveOutcome lateResult = await(lateOut.future());
    assertFalse(lateResult.written());
    assertEquals(aheadSecond, lateResult.stored());
    assertTrue(await(doneOut.future()).written());
    SaveOutcome nowhereResult = await(nowhereOut.future());
    assertFalse(nowhereResult.written());
    assertNull(nowhereResult.stored());

    assertEquals(fresh, await(store.find("fresh")));
    assertEquals(existing, await(store.find("existing")));
    assertEquals(aheadSecond, await(store.find("ahead")));
    assertEquals(done, await(store.find("running")));
    assertNull(await(store.find("nowhere")));
  }

  /** Every replace of a batch lands: all written, no read back needed. */
  @Test
  void aBatchOfReplacesThatAllLandIsWritten() throws Exception {
    List<Task> tasks = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      tasks.add(task("t" + i));
      await(store.insert(tasks.get(i)));
    }
    List<TaskWrite> batch = new ArrayList<>();
    List<Promise<SaveOutcome>> outs = new ArrayList<>();
    List<Task> dispatched = tasks.stream().map(t -> t.dispatched("w", t.createdAt(), "d1")).toList();
    dispatched.forEach(t -> outs.add(saveInto(batch, t)));
    store.writeAll(batch);
    for (int i = 0; i < 20; i++) {
      assertTrue(await(outs.get(i).future()).written());
      assertEquals(dispatched.get(i), await(store.find("t" + i)));
    }
  }

  /**
   * Many writes issued in one turn of the event loop share a few bulk writes, and each is answered
   * only once stored. Fails if every write goes alone (as many batches as writes).
   */
  @Test
  void groupCommitSharesRoundTripsAndAnswersOnlyStoredWrites(Vertx vertx) throws Exception {
    GroupCommit grouped = onContext(vertx, () -> new GroupCommit(store, Vertx.currentContext(), io.tef.core.metrics.NodeMetrics.off().store()));
    int n = 500;
    List<Future<InsertOutcome>> inserts = onContext(vertx, () -> {
      List<Future<InsertOutcome>> all = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        all.add(grouped.insert(task("g" + i)));
      }
      return all;
    });
    for (int i = 0; i < n; i++) {
      InsertOutcome out = await(inserts.get(i));
      assertTrue(out.created());
      assertEquals(out.task(), await(store.find("g" + i)), "answered before it was stored: g" + i);
    }
    assertEquals(n, grouped.writes());
    assertTrue(grouped.batches() <= 4, "batches: " + grouped.batches());
  }

  /** Writes of one task issued back to back land in the order given: one at the store at a time. */
  @Test
  void writesOfOneTaskKeepTheirOrder(Vertx vertx) throws Exception {
    Task t = task("ordered");
    await(store.insert(t));
    GroupCommit grouped = onContext(vertx, () -> new GroupCommit(store, Vertx.currentContext(), io.tef.core.metrics.NodeMetrics.off().store()));
    Task dispatched = t.dispatched("w", t.createdAt(), "d1");
    Task working = dispatched.working(t.createdAt().plusMillis(1), "d1");
    Task done = working.completed("ok", t.createdAt().plusMillis(2), "w");
    List<Future<SaveOutcome>> outs = onContext(vertx, () -> List.of(grouped.save(dispatched), grouped.save(working), grouped.save(done)));
    for (Future<SaveOutcome> out : outs) {
      assertTrue(await(out).written());
    }
    assertEquals(done, await(store.find("ordered")));
    assertEquals(3, grouped.batches());
  }

  private static Promise<InsertOutcome> insertInto(List<TaskWrite> batch, Task t) {
    Promise<InsertOutcome> p = Promise.promise();
    batch.add(new TaskWrite.Insert(t, p));
    return p;
  }

  private static Promise<SaveOutcome> saveInto(List<TaskWrite> batch, Task t) {
    Promise<SaveOutcome> p = Promise.promise();
    batch.add(new TaskWrite.Save(t, p));
    return p;
  }

  private static <T> T onContext(Vertx vertx, Supplier<T> action) throws Exception {
    Context context = vertx.getOrCreateContext();
    CompletableFuture<T> result = new CompletableFuture<>();
    context.runOnContext(v -> result.complete(action.get()));
    return result.get(10, TimeUnit.SECONDS);
  }
}
