package io.tef.core.store.mongo;

import io.tef.core.store.InsertOutcome;
import io.tef.core.store.KeeperCheckpoint;
import io.tef.core.store.KeeperCheckpoints;
import io.tef.core.store.SaveOutcome;
import io.tef.core.store.TaskStore;
import io.tef.core.store.local.LocalStores;

import io.tef.store.embedded.EmbeddedStore;
import io.tef.protocol.task.ResultPosition;
import io.tef.core.task.Task;
import io.tef.protocol.task.TaskDefaults;
import io.tef.protocol.task.TaskEnvelope;
import io.tef.core.task.TaskQuery;
import io.tef.protocol.task.TaskState;
import io.vertx.core.Future;
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
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Against the embedded store on disk (H2), through the MongoDB wire protocol (and in process: see the subclass). */
@ExtendWith(VertxExtension.class)
class MongoTaskStoreTest {

  @TempDir
  Path dataDir;
  private EmbeddedStore embedded;
  private MongoStores stores;
  private TaskStore store;

  /** Through the wire here; {@link InProcessTaskStoreTest} runs every test on the in-process path. */
  boolean inProcess() {
    return false;
  }

  @BeforeEach
  void open(Vertx vertx) throws Exception {
    embedded = EmbeddedStore.onDisk(dataDir, "127.0.0.1", 0);
    connect(vertx);
    await(store.start());
  }

  private void connect(Vertx vertx) {
    if (inProcess()) {
      LocalStores.register(vertx, embedded.connectionString(), embedded::run);
    }
    stores = MongoStores.shared(vertx, embedded.connectionString(), "tef");
    store = stores.tasks();
    assertEquals(inProcess(), store instanceof LocalTaskStore);
  }

  @AfterEach
  void close() throws Exception {
    await(store.close());
    embedded.close();
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  private static Task task(String guid, String type, String suite) {
    JsonObject env = new JsonObject().put("task_type", type).put("task_data", new JsonObject().put("n", guid));
    if (suite != null) {
      env.put("suite_guid", suite);
    }
    return Task.accepted(TaskEnvelope.parse(env, TaskDefaults.TEF), guid, Instant.now().truncatedTo(ChronoUnit.MILLIS), "test", "d1");
  }

  @Test
  void insertThenFind() throws Exception {
    Task t = task("a", "echo", null);
    InsertOutcome out = await(store.insert(t));
    assertTrue(out.created());
    assertEquals(t, await(store.find("a")));
    assertNull(await(store.find("missing")));
  }

  @Test
  void secondInsertOfAGuidWritesNothingAndReturnsTheStoredTask() throws Exception {
    Task first = task("dup", "echo", null);
    await(store.insert(first));
    InsertOutcome again = await(store.insert(task("dup", "other-type", null)));
    assertFalse(again.created());
    assertEquals(first, again.task());
    assertEquals(1, await(store.list(new TaskQuery(null, null, null, 100))).size());
  }

  /** task_data and results are opaque: whatever $ keys, dots or big numbers they hold, they come back equal as JSON. */
  @Test
  void opaqueDataAndResultsComeBackEqualAsJson() throws Exception {
    String[] values = {"{\"$date\": \"garbage\"}", "{\"$numberLong\": \"5\"}", "{\"$oid\": \"zz\"}", "{\"$binary\": \"!!!\"}",
        "{\"$numberDecimal\": \"1.5\"}", "{\"$timestamp\": {\"t\": \"a\", \"i\": 1}}", "{\"a\": [{\"$regex\": \"x\"}]}",
        "{\"a.b\": {\"c\": 1}}", "9223372036854775808", "[1, -0.5, \"x\", null, {\"k\": false}]", "\"plain\""};
    for (int i = 0; i < values.length; i++) {
      Object value = io.vertx.core.json.Json.decodeValue(values[i]);
      Task t = Task.accepted(TaskEnvelope.parse(new JsonObject().put("task_type", "echo").put("task_data", value), TaskDefaults.TEF),
          "opaque-" + i, Instant.now().truncatedTo(ChronoUnit.MILLIS), "test", "d1");
      await(store.insert(t));
      assertEquals(values[i].replace(" ", ""), io.vertx.core.json.Json.encode(await(store.find("opaque-" + i)).data()).replace(" ", ""), values[i]);
      await(store.save(t.dispatched("w", t.createdAt(), "n").completed(value, t.createdAt().plusSeconds(1), "w")));
      assertEquals(values[i].replace(" ", ""), io.vertx.core.json.Json.encode(await(store.find("opaque-" + i)).result()).replace(" ", ""), values[i]);
    }
    assertEquals(values.length, await(store.list(new TaskQuery(null, null, null, 100))).size());
  }

  @Test
  void saveReplacesTheState() throws Exception {
    Task t = task("s", "echo", null);
    await(store.insert(t));
    Task done = t.dispatched("w", t.createdAt(), "n").completed("ok", t.createdAt().plusSeconds(1), "w");
    await(store.save(done));
    assertEquals(done, await(store.find("s")));
  }

  /**
   * The attempt fence of {@code save}: a late write of an older attempt is refused and writes
   * nothing. Fails if the filter is only {@code _id} (the late write would land).
   */
  @Test
  void aWriteOfAnOlderAttemptIsRefusedAndWritesNothing() throws Exception {
    Task t = task("fenced", "echo", null);
    await(store.insert(t));
    Task first = t.dispatched("w1", t.createdAt(), "d1");
    assertTrue(await(store.save(first)).written());
    Task lost = first.attemptLost("worker gone", t.createdAt().plusMillis(1), "d2");
    assertTrue(await(store.save(lost)).written());
    Task second = lost.dispatched("w2", t.createdAt().plusMillis(2), "d2");
    assertEquals(2, second.attempt());
    assertTrue(await(store.save(second)).written());

    SaveOutcome late = await(store.save(first.working(t.createdAt().plusMillis(3), "d1")));
    assertFalse(late.written());
    assertEquals(second, late.stored());
    assertEquals(second, await(store.find("fenced")));
  }

  /** At the same attempt an ended task is not written over, except by a keyed resubmission reviving it (queued). */
  @Test
  void theSameAttemptDoesNotLandOverAnEndedTaskButARevivalDoes() throws Exception {
    Task t = task("ended", "echo", null);
    await(store.insert(t));
    Task running = t.dispatched("w", t.createdAt(), "d1");
    Task done = running.completed("ok", t.createdAt().plusSeconds(1), "w");
    assertTrue(await(store.save(done)).written());

    SaveOutcome late = await(store.save(running.working(t.createdAt().plusMillis(5), "w")));
    assertFalse(late.written());
    assertEquals(done, await(store.find("ended")));

    Task revived = done.redefined(TaskEnvelope.parse(new JsonObject().put("task_type", "echo"), TaskDefaults.TEF),
        t.createdAt().plusSeconds(2), "d2");
    assertEquals(TaskState.QUEUED, revived.state());
    assertTrue(await(store.save(revived)).written());
    assertEquals(revived, await(store.find("ended")));
  }

  @Test
  void aWriteOfATaskNotStoredIsRefused() throws Exception {
    SaveOutcome out = await(store.save(task("nowhere", "echo", null)));
    assertFalse(out.written());
    assertNull(out.stored());
    assertNull(await(store.find("nowhere")));
  }

  @Test
  void listFiltersAndUnfinishedSkipsTerminalTasks() throws Exception {
    await(store.insert(task("1", "echo", "suite-x")));
    await(store.insert(task("2", "echo", null)));
    Task other = task("3", "mail", "suite-x");
    await(store.insert(other));
    await(store.save(other.dispatched("w", other.createdAt(), "n").completed(null, other.createdAt(), "w")));

    assertEquals(2, await(store.list(new TaskQuery(null, "echo", null, 100))).size());
    assertEquals(2, await(store.list(new TaskQuery(null, null, "suite-x", 100))).size());
    assertEquals(List.of("3"), await(store.list(new TaskQuery(TaskState.COMPLETED, null, null, 100))).stream().map(Task::guid).toList());
    assertEquals(1, await(store.list(new TaskQuery(null, null, null, 1))).size());
    assertEquals(List.of("1", "2"), await(store.unfinished()).stream().map(Task::guid).sorted().toList());
  }

  /** More tasks than a batch of a cursor holds (101 first on MongoDB, 1000 in process): every one comes back. */
  @Test
  void readsLongerThanOneBatchReturnEveryTask() throws Exception {
    List<io.tef.core.store.TaskWrite> batch = new java.util.ArrayList<>();
    List<Future<InsertOutcome>> outs = new java.util.ArrayList<>();
    for (int i = 0; i < 2500; i++) {
      io.vertx.core.Promise<InsertOutcome> p = io.vertx.core.Promise.promise();
      batch.add(new io.tef.core.store.TaskWrite.Insert(task("many-" + i, "echo", "big"), p));
      outs.add(p.future());
    }
    store.writeAll(batch);
    await(Future.all(outs));
    assertEquals(2500, await(store.unfinished()).size());
    assertEquals(250, await(store.list(new TaskQuery(null, null, "big", 250))).size());
    assertEquals(java.util.Map.of("queued", 2500L), await(store.countByState("big")));
  }

  @Test
  void finishedAfterPagesThroughTerminalTasksOfItsTypesInFinishOrder() throws Exception {
    Instant t0 = Instant.parse("2030-01-01T09:00:00Z");
    // Inserted out of order; "b" and "c" finish in the same millisecond, so their document ids (derived from the guids) decide.
    await(store.save(finish(task("c", "email", null), t0.plusMillis(5), "ok")));
    await(store.save(finish(task("a", "email", null), t0, "ok")));
    await(store.save(finish(task("b", "email", null), t0.plusMillis(5), "ok")));
    Task failed = Task.accepted(TaskEnvelope.parse(new JsonObject().put("task_type", "sms").put("max_attempts", 1), TaskDefaults.TEF),
        "d", t0, "test", "d1");
    await(store.insert(failed));
    await(store.save(failed.dispatched("w", t0, "n").attemptFailed("no signal", t0.plusMillis(9), null, "w")));
    Task cancelled = task("e", "email", null);
    await(store.insert(cancelled));
    await(store.save(cancelled.cancelled(t0.plusMillis(7), "n")));
    await(store.insert(task("queued", "email", null)));
    await(store.save(finish(task("other", "print", null), t0.plusMillis(1), "ok")));

    List<String> types = List.of("email", "sms");
    List<String> tie = java.util.stream.Stream.of("b", "c").sorted(java.util.Comparator.comparing(io.tef.core.task.TaskIds::hex)).toList();
    assertEquals(List.of("a", tie.get(0), tie.get(1), "e", "d"), guids(store.finishedAfter(types, null, 100)));
    assertEquals(List.of("a", tie.get(0)), guids(store.finishedAfter(types, null, 2)));
    assertEquals(List.of(tie.get(1), "e"), guids(store.finishedAfter(types, new ResultPosition(t0.plusMillis(5), tie.get(0)), 2)));
    assertEquals(List.of("d"), guids(store.finishedAfter(types, new ResultPosition(t0.plusMillis(7), "e"), 2)));
    assertEquals(List.of(), guids(store.finishedAfter(types, new ResultPosition(t0.plusMillis(9), "d"), 2)));
    assertEquals(List.of("other"), guids(store.finishedAfter(List.of("print"), null, 10)));
  }

  @Test
  void keeperCheckpointsAreSavedOverAndLoadedByName() throws Exception {
    KeeperCheckpoints checkpoints = stores.keeperCheckpoints();
    assertNull(await(checkpoints.load("billing")));
    Instant at = Instant.parse("2030-01-01T09:00:00.123Z");
    await(checkpoints.save(new KeeperCheckpoint("billing", List.of("email"), new ResultPosition(at, "g1"), null)));
    await(checkpoints.save(new KeeperCheckpoint("billing", List.of("email", "sms"), new ResultPosition(at.plusSeconds(1), "g2"), null)));
    KeeperCheckpoint loaded = await(checkpoints.load("billing"));
    assertEquals(new ResultPosition(at.plusSeconds(1), "g2"), loaded.position());
    assertEquals(List.of("email", "sms"), loaded.taskTypes());
    assertTrue(loaded.updatedAt() != null);
    assertNull(await(checkpoints.load("other")));
  }

  private Task finish(Task t, Instant at, Object result) throws Exception {
    await(store.insert(t));
    return t.dispatched("w", at, "n").completed(result, at, "w");
  }

  private static List<String> guids(Future<List<Task>> tasks) throws Exception {
    return await(tasks).stream().map(Task::guid).toList();
  }

  @Test
  void tasksOutliveTheStoreProcess(Vertx vertx) throws Exception {
    Task t = task("kept", "echo", null);
    await(store.insert(t));
    await(store.close());
    embedded.close();

    embedded = EmbeddedStore.onDisk(dataDir, "127.0.0.1", 0);
    connect(vertx);
    assertEquals(t, await(store.find("kept")));
  }
}
