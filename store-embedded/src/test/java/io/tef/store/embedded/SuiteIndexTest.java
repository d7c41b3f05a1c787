package io.tef.store.embedded;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.KeyValue;
import de.bwaldvogel.mongo.backend.Missing;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.FindOptions;
import io.vertx.ext.mongo.MongoClient;
import io.vertx.ext.mongo.UpdateOptions;
import io.vertx.junit5.VertxExtension;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The suite index of the {@code tasks} collection: a suite's tasks newest first and its counts by
 * state answer as the server's scan does, and the store file holds exactly the index the
 * documents call for: after any change, a restart, a file written without it, a stop that did
 * not close the file, a drop. The scan's answer is asked for with {@code {suiteGuid: {$eq: S}}},
 * the same query in a shape the index does not take.
 */
@ExtendWith(VertxExtension.class)
class SuiteIndexTest {

  private static final String TASKS = "tasks";
  private static final String FULL_NAME = "t." + TASKS;
  private static final List<String> SUITES = List.of("s1", "s2", "s3");
  private static final List<String> STATES = List.of("queued", "running", "succeeded", "failed", "completed");
  /** Few instants, so that many tasks share one and their order is their ids'. */
  private static final List<Instant> CREATED = List.of(Instant.parse("2024-05-01T10:00:00Z"),
      Instant.parse("2024-05-01T10:00:00.001Z"), Instant.parse("2024-05-01T10:00:01Z"), Instant.parse("2024-05-02T00:00:00Z"));

  @TempDir
  Path dataDir;
  private EmbeddedStore embedded;
  private MongoClient client;
  /** What the tasks collection holds, by id. */
  private final Map<String, JsonObject> tasks = new LinkedHashMap<>();

  @AfterEach
  void close() {
    closeStore();
  }

  @Test
  void suiteQueriesAndCountsAnswerAsTheScanAfterEveryKindOfChange(Vertx vertx) throws Exception {
    open(vertx);
    Random random = new Random(7);
    for (int round = 0; round < 6; round++) {
      for (int i = 0; i < 60; i++) {
        change(random, round * 100 + i);
      }
      // A change of many at once, found through the index itself.
      await(client.updateCollectionWithOptions(TASKS, new JsonObject().put("suiteGuid", "s2").put("state", "queued"),
          new JsonObject().put("$set", new JsonObject().put("state", "cancelled")), new UpdateOptions().setMulti(true)));
      tasks.values().stream().filter(t -> "s2".equals(t.getString("suiteGuid")) && "queued".equals(t.getString("state")))
          .forEach(t -> t.put("state", "cancelled"));
      assertAnswersAsTheScan();
      assertWholeCollectionAnswersAsTheScan();
    }
    // Other collections keep no suite index.
    await(client.insert("other", task("o1", "s1", "queued", CREATED.get(0))));
    assertEquals(List.of("o1"), ids(await(client.findWithOptions("other", new JsonObject().put("suiteGuid", "s1"), newestFirst(10)))));
    closeStore();
    assertTheFileHoldsTheIndexOfTheTasks();
    assertFalse(mapNames().contains(StoreFileFormat.SUITES_PREFIX + "t.other"));
  }

  @Test
  void countsStayRightThroughManyChangesAndARestart(Vertx vertx) throws Exception {
    open(vertx);
    List<JsonObject> batch = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      JsonObject t = task(String.format("c%04d", i), "s1", "queued", CREATED.get(i % CREATED.size()));
      tasks.put(t.getString("_id"), t);
      batch.add(t.copy());
    }
    await(client.bulkWrite(TASKS, batch.stream().map(io.vertx.ext.mongo.BulkOperation::createInsert).toList()));
    // Each task through its states, as the dispatcher saves them: a replace fenced by more conditions.
    for (int i = 0; i < 500; i++) {
      String id = String.format("c%04d", i);
      for (String state : List.of("running", i % 7 == 0 ? "failed" : "succeeded")) {
        JsonObject t = tasks.get(id).copy().put("state", state);
        await(client.replaceDocuments(TASKS, new JsonObject().put("_id", id).put("suiteGuid", "s1"), t));
        tasks.put(id, t);
      }
    }
    for (int i = 0; i < 500; i += 10) {
      String id = String.format("c%04d", i);
      await(client.removeDocument(TASKS, new JsonObject().put("_id", id)));
      tasks.remove(id);
    }
    Map<String, Long> expected = Map.of("failed", 64L, "succeeded", 386L);
    assertEquals(expected, modelCounts("s1"));
    assertEquals(expected, counts("s1", false));
    assertEquals(expected, counts("s1", true));
    closeStore();
    assertTheFileHoldsTheIndexOfTheTasks();

    open(vertx);
    assertEquals(expected, counts("s1", true));
    assertAnswersAsTheScan();
  }

  @Test
  void theAnswersComeFromTheIndex(Vertx vertx) throws Exception {
    open(vertx);
    for (int i = 0; i < 20; i++) {
      insert(task("x" + i, "s1", "succeeded", CREATED.get(i % 2)));
    }
    closeStore();
    String hidden = "x4";
    withFile(store -> {
      MVMap<SuiteIndexKey, byte[]> index = store.openMap(StoreFileFormat.SUITES_PREFIX + FULL_NAME, StoreFileFormat.suiteIndexMap());
      assertTrue(index.remove(new SuiteIndexKey("s1", CREATED.get(0), hidden)) != null);
      store.openMap(StoreFileFormat.SUITE_COUNTS_PREFIX + FULL_NAME, StoreFileFormat.suiteCountsMap()).put(new KeyValue("s1", "succeeded"), 99L);
      assertTrue(index.remove(new SuiteIndexKey(SuiteIndex.ALL, CREATED.get(1), "x5")) != null);
      assertTrue(index.remove(new SuiteIndexKey(SuiteIndex.LIVE, CREATED.get(0), "x6")) != null);
    });

    open(vertx);
    List<String> fromIndex = ids(await(client.findWithOptions(TASKS, new JsonObject().put("suiteGuid", "s1"), newestFirst(100))));
    List<String> scanned = ids(await(client.findWithOptions(TASKS, scanQuery("s1"), scannedNewestFirst(100))));
    assertEquals(20, scanned.size());
    assertFalse(fromIndex.contains(hidden));
    assertEquals(scanned.stream().filter(id -> !id.equals(hidden)).toList(), fromIndex);
    assertEquals(Map.of("succeeded", 99L), counts("s1", true));
    assertEquals(Map.of("succeeded", 20L), counts("s1", false));
    // A listing of everything walks the index of all tasks; the unfinished come from theirs.
    List<String> listed = ids(await(client.findWithOptions(TASKS, new JsonObject(), newestFirst(100))));
    assertEquals(19, listed.size());
    assertFalse(listed.contains("x5"));
    List<String> unfinished = ids(await(client.find(TASKS, new JsonObject().put("state", new JsonObject().put("$in", new JsonArray().add("succeeded"))))));
    assertEquals(19, unfinished.size());
    assertFalse(unfinished.contains("x6"));
  }

  @Test
  void aFileWrittenWithoutTheIndexGetsItOnceWhenOpened(Vertx vertx) throws Exception {
    open(vertx);
    for (int i = 0; i < 50; i++) {
      insert(task("w" + i, SUITES.get(i % 3), STATES.get(i % 4), CREATED.get(i % 4)));
    }
    closeStore();
    // As a store of the version before the index left it: no index, no mark of one, no run mark.
    withFile(store -> {
      store.removeMap(StoreFileFormat.SUITES_PREFIX + FULL_NAME);
      store.removeMap(StoreFileFormat.SUITE_COUNTS_PREFIX + FULL_NAME);
      store.openMap(StoreFileFormat.COUNTERS_PREFIX + FULL_NAME).remove(SuiteIndex.BUILT_KEY);
      store.openMap(StoreFileFormat.FORMAT_MAP).remove("run");
    });

    open(vertx);
    assertAnswersAsTheScan();
    closeStore();
    assertTheFileHoldsTheIndexOfTheTasks();

    // Built once: an entry taken away behind the store's back stays away on the next open.
    withFile(store -> store.openMap(StoreFileFormat.SUITES_PREFIX + FULL_NAME, StoreFileFormat.suiteIndexMap())
        .remove(new SuiteIndexKey("s1", CREATED.get(0), "w0")));
    open(vertx);
    assertFalse(ids(await(client.findWithOptions(TASKS, new JsonObject().put("suiteGuid", "s1"), newestFirst(100)))).contains("w0"));
  }

  @Test
  void aFileOfTheServersOwnFormatGetsTheIndexWhenConverted(Vertx vertx) throws Exception {
    Path file = dataDir.resolve(EmbeddedStore.FILE_NAME);
    MongoServer older = new MongoServer(new H2Backend(file.toString()));
    var address = older.bind();
    MongoClient olderClient = MongoClient.create(vertx, config("mongodb://127.0.0.1:" + address.getPort()));
    for (int i = 0; i < 30; i++) {
      JsonObject t = task("o" + i, SUITES.get(i % 2), STATES.get(i % 3), CREATED.get(i % 3));
      tasks.put(t.getString("_id"), t);
      await(olderClient.insert(TASKS, t.copy()));
    }
    olderClient.close();
    older.shutdown();

    open(vertx);
    assertAnswersAsTheScan();
    closeStore();
    assertTheFileHoldsTheIndexOfTheTasks();
  }

  @Test
  void aStopThatDidNotCloseTheFileBuildsTheIndexAgain(Vertx vertx) throws Exception {
    open(vertx);
    for (int i = 0; i < 30; i++) {
      insert(task("u" + i, "s1", STATES.get(i % 4), CREATED.get(i % 4)));
    }
    closeStore();
    // What a crash can leave: a document in the file without its index entry, the file marked open.
    withFile(store -> {
      store.openMap(StoreFileFormat.SUITES_PREFIX + FULL_NAME, StoreFileFormat.suiteIndexMap())
          .remove(new SuiteIndexKey("s1", CREATED.get(0), "u0"));
      store.<String, String>openMap(StoreFileFormat.FORMAT_MAP).put("run", "open");
    });

    open(vertx);
    assertAnswersAsTheScan();
    closeStore();
    assertTheFileHoldsTheIndexOfTheTasks();
  }

  @Test
  void droppingTheCollectionOrTheDatabaseDropsTheIndex(Vertx vertx) throws Exception {
    open(vertx);
    for (int i = 0; i < 10; i++) {
      insert(task("d" + i, "s1", "queued", CREATED.get(0)));
    }
    await(client.dropCollection(TASKS));
    tasks.clear();
    insert(task("n1", "s1", "running", CREATED.get(1)));
    insert(task("n2", "s1", "queued", CREATED.get(1)));
    assertEquals(Map.of("queued", 1L, "running", 1L), counts("s1", true));
    assertAnswersAsTheScan();
    closeStore();
    assertTheFileHoldsTheIndexOfTheTasks();

    open(vertx);
    await(client.runCommand("dropDatabase", new JsonObject().put("dropDatabase", 1)));
    tasks.clear();
    closeStore();
    assertTrue(mapNames().stream().noneMatch(n -> n.startsWith(StoreFileFormat.SUITES_PREFIX) || n.startsWith(StoreFileFormat.SUITE_COUNTS_PREFIX)),
        () -> "left after dropping the database: " + mapNames());

    open(vertx);
    insert(task("a1", "s1", "queued", CREATED.get(2)));
    assertEquals(Map.of("queued", 1L), counts("s1", true));
    closeStore();
    assertTheFileHoldsTheIndexOfTheTasks();
  }

  @Test
  void aRenamedCollectionTakesTheIndexOfItsNewName(Vertx vertx) throws Exception {
    open(vertx);
    for (int i = 0; i < 10; i++) {
      insert(task("m" + i, "s1", STATES.get(i % 2), CREATED.get(i % 3)));
    }
    rename(vertx, FULL_NAME, "t.archive");
    closeStore();
    assertTrue(mapNames().stream().noneMatch(n -> n.startsWith(StoreFileFormat.SUITES_PREFIX)), () -> "left after the rename: " + mapNames());

    open(vertx);
    assertEquals(10L, await(client.count("archive", new JsonObject())));
    rename(vertx, "t.archive", FULL_NAME);
    assertAnswersAsTheScan();
    closeStore();
    assertTheFileHoldsTheIndexOfTheTasks();
  }

  /** A command of the admin database. */
  private void rename(Vertx vertx, String from, String to) throws Exception {
    MongoClient admin = MongoClient.create(vertx, new JsonObject().put("connection_string", embedded.connectionString()).put("db_name", "admin"));
    try {
      await(admin.runCommand("renameCollection", new JsonObject().put("renameCollection", from).put("to", to)));
    } finally {
      admin.close();
    }
  }

  @Test
  void irregularDocumentsSendSuiteQueriesTheServersWay(Vertx vertx) throws Exception {
    open(vertx);
    for (int i = 0; i < 10; i++) {
      insert(task("r" + i, "s1", STATES.get(i % 2), CREATED.get(i % 2)));
    }
    // A list of suites matches each of them; a task without a state counts under null.
    JsonObject inTwo = task("list", "s1", "queued", CREATED.get(3)).put("suiteGuid", new JsonArray().add("s1").add("s2"));
    JsonObject stateless = task("stateless", "s1", "queued", CREATED.get(3));
    stateless.remove("state");
    await(client.insert(TASKS, inTwo));
    await(client.insert(TASKS, stateless));
    List<String> scanned = ids(await(client.findWithOptions(TASKS, scanQuery("s1"), scannedNewestFirst(100))));
    assertTrue(scanned.contains("list") && scanned.contains("stateless"));
    assertEquals(scanned, ids(await(client.findWithOptions(TASKS, new JsonObject().put("suiteGuid", "s1"), newestFirst(100)))));
    JsonArray scannedCounts = await(client.runCommand("aggregate", countCommand(scanQuery("s1")))).getJsonObject("cursor").getJsonArray("firstBatch");
    JsonArray counted = await(client.runCommand("aggregate", countCommand(new JsonObject().put("suiteGuid", "s1")))).getJsonObject("cursor").getJsonArray("firstBatch");
    assertEquals(new HashSet<>(scannedCounts.getList()), new HashSet<>(counted.getList()));

    await(client.removeDocuments(TASKS, new JsonObject().put("_id", new JsonObject().put("$in", new JsonArray().add("list").add("stateless")))));
    assertAnswersAsTheScan();
    closeStore();
    assertTheFileHoldsTheIndexOfTheTasks();
  }

  // --- the changes of the first test

  private void change(Random random, int n) throws Exception {
    List<String> ids = new ArrayList<>(tasks.keySet());
    int kind = ids.isEmpty() ? 0 : random.nextInt(6);
    switch (kind) {
      case 0, 1 -> insert(task(String.format("t%03d", random.nextInt(1000)), suiteOrNone(random), pick(random, STATES), pick(random, CREATED)));
      case 2 -> { // a replace, maybe to another suite, another createdAt, or none
        String id = pick(random, ids);
        JsonObject t = task(id, suiteOrNone(random), pick(random, STATES), pick(random, CREATED)).put("n", n);
        await(client.replaceDocuments(TASKS, new JsonObject().put("_id", id), t.copy()));
        tasks.put(id, t);
      }
      case 3, 4 -> { // a state change
        String id = pick(random, ids);
        String state = pick(random, STATES);
        await(client.updateCollection(TASKS, new JsonObject().put("_id", id), new JsonObject().put("$set", new JsonObject().put("state", state))));
        tasks.get(id).put("state", state);
      }
      default -> {
        String id = pick(random, ids);
        await(client.removeDocument(TASKS, new JsonObject().put("_id", id)));
        tasks.remove(id);
      }
    }
  }

  private void insert(JsonObject t) throws Exception {
    if (tasks.containsKey(t.getString("_id"))) {
      return;
    }
    await(client.insert(TASKS, t.copy()));
    tasks.put(t.getString("_id"), t);
  }

  private static String suiteOrNone(Random random) {
    return random.nextInt(5) == 0 ? null : pick(random, SUITES);
  }

  private static <T> T pick(Random random, List<T> values) {
    return values.get(random.nextInt(values.size()));
  }

  private static JsonObject task(String id, String suite, String state, Instant createdAt) {
    JsonObject t = new JsonObject().put("_id", id).put("name", "probe").put("state", state)
        .put("createdAt", new JsonObject().put("$date", createdAt.toString()));
    if (List.of("completed", "failed", "cancelled").contains(state)) {
      // An end of its own, in an order other than creation's, often shared with others.
      t.put("lastFinishedAt", new JsonObject().put("$date", CREATED.get(Math.floorMod(id.hashCode(), CREATED.size())).toString()));
    }
    return suite == null ? t : t.put("suiteGuid", suite);
  }

  // --- what the answers must be

  private void assertAnswersAsTheScan() throws Exception {
    for (String suite : SUITES) {
      List<String> model = modelNewestFirst(suite);
      for (int limit : new int[] {1, 2, 5, 1000}) {
        List<String> fromIndex = ids(await(client.findWithOptions(TASKS, new JsonObject().put("suiteGuid", suite), newestFirst(limit))));
        List<String> scanned = ids(await(client.findWithOptions(TASKS, scanQuery(suite), scannedNewestFirst(limit))));
        assertEquals(scanned, fromIndex, () -> suite + " newest first, limit " + limit);
        assertEquals(model.subList(0, Math.min(limit, model.size())), fromIndex, () -> suite + " against the model, limit " + limit);
      }
      JsonObject queued = new JsonObject().put("suiteGuid", suite).put("state", "queued");
      assertEquals(ids(await(client.findWithOptions(TASKS, scanQuery(suite).put("state", "queued"), scannedNewestFirst(1000)))),
          ids(await(client.findWithOptions(TASKS, queued, newestFirst(1000)))), () -> suite + " queued");
      assertEquals(Set.copyOf(model), Set.copyOf(ids(await(client.find(TASKS, new JsonObject().put("suiteGuid", suite))))), () -> suite + " unsorted");
      Map<String, Long> counts = modelCounts(suite);
      assertEquals(counts, counts(suite, true), () -> suite + " counts");
      assertEquals(counts, counts(suite, false), () -> suite + " counts by the scan");
    }
  }

  /**
   * The walks kept beside the suites: a listing of the whole collection newest first (maybe of one
   * state), and the read of the unfinished tasks, against the server's scan (a sort with one more
   * key, or a query the walk does not take) and the model.
   */
  private void assertWholeCollectionAnswersAsTheScan() throws Exception {
    for (JsonObject query : List.of(new JsonObject(), new JsonObject().put("state", "queued"))) {
      for (int limit : new int[] {1, 5, 1000}) {
        List<String> walked = ids(await(client.findWithOptions(TASKS, query, newestFirst(limit))));
        List<String> scanned = ids(await(client.findWithOptions(TASKS, query, scannedNewestFirst(limit))));
        assertEquals(scanned, walked, () -> query + " newest first, limit " + limit);
      }
    }
    List<String> live = STATES.stream().filter(st -> !List.of("completed", "failed", "cancelled").contains(st)).toList();
    Set<String> unfinished = tasks.values().stream().filter(t -> live.contains(t.getString("state"))).map(t -> t.getString("_id")).collect(Collectors.toSet());
    JsonObject unfinishedQuery = new JsonObject().put("state", new JsonObject().put("$in", new JsonArray(live)));
    assertEquals(unfinished, Set.copyOf(ids(await(client.find(TASKS, unfinishedQuery)))), "unfinished");
    // The ended walk: retention's read of what ended before a cutoff, and the cap's oldest end first.
    for (Instant cutoff : CREATED) {
      JsonObject before = new JsonObject().put("$lt", new JsonObject().put("$date", cutoff.toString()));
      Set<String> model = tasks.values().stream().filter(t -> "completed".equals(t.getString("state")) && finished(t) instanceof Instant f
          && f.isBefore(cutoff)).map(t -> t.getString("_id")).collect(Collectors.toSet());
      assertEquals(model, Set.copyOf(ids(await(client.find(TASKS, new JsonObject().put("state", "completed").put("lastFinishedAt", before))))),
          () -> "completed before " + cutoff);
      assertEquals(model, Set.copyOf(ids(await(client.find(TASKS, new JsonObject().put("state", new JsonObject().put("$eq", "completed"))
          .put("lastFinishedAt", before))))), () -> "completed before " + cutoff + ", scanned");
    }
    JsonObject ended = new JsonObject().put("state", new JsonObject().put("$in", new JsonArray().add("completed").add("failed")));
    io.vertx.ext.mongo.FindOptions oldestEnd = new io.vertx.ext.mongo.FindOptions().setSort(new JsonObject().put("lastFinishedAt", 1));
    io.vertx.ext.mongo.FindOptions oldestEndScanned = new io.vertx.ext.mongo.FindOptions().setSort(new JsonObject().put("lastFinishedAt", 1).put("_id", 1));
    List<JsonObject> walked = await(client.findWithOptions(TASKS, ended, oldestEnd));
    List<JsonObject> sorted = await(client.findWithOptions(TASKS, ended, oldestEndScanned));
    assertEquals(Set.copyOf(ids(sorted)), Set.copyOf(ids(walked)), "the ended, oldest end first");
    assertEquals(sorted.stream().map(SuiteIndexTest::finished).toList(), walked.stream().map(SuiteIndexTest::finished).toList(),
        "in the order of their ends (ties in any order)");
  }

  @Test
  void retentionsReadComesFromTheEndedWalk(Vertx vertx) throws Exception {
    open(vertx);
    for (int i = 0; i < 10; i++) {
      insert(task("e" + i, null, "completed", CREATED.get(0)));
    }
    closeStore();
    String hidden = "e3";
    withFile(store -> {
      MVMap<SuiteIndexKey, byte[]> index = store.openMap(StoreFileFormat.SUITES_PREFIX + FULL_NAME, StoreFileFormat.suiteIndexMap());
      assertTrue(index.remove(new SuiteIndexKey(SuiteIndex.ENDED_WALK, finished(tasks.get(hidden)), hidden)) != null);
    });
    open(vertx);
    JsonObject before = new JsonObject().put("$lt", new JsonObject().put("$date", "2030-01-01T00:00:00Z"));
    List<String> walked = ids(await(client.find(TASKS, new JsonObject().put("state", "completed").put("lastFinishedAt", before))));
    assertEquals(9, walked.size());
    assertFalse(walked.contains(hidden));
    assertEquals(10, ids(await(client.find(TASKS, new JsonObject().put("state", new JsonObject().put("$eq", "completed")).put("lastFinishedAt", before)))).size());
    // Retention's removal by a batch of ids reads them from the _id index, and only those still ended go.
    await(client.updateCollection(TASKS, new JsonObject().put("_id", "e5"), new JsonObject().put("$set", new JsonObject().put("state", "queued"))));
    var removed = await(client.removeDocuments(TASKS, new JsonObject().put("_id", new JsonObject().put("$in", new JsonArray().add("e1").add("e5").add("nope")))
        .put("state", new JsonObject().put("$in", new JsonArray().add("completed").add("failed").add("cancelled")))));
    assertEquals(1, removed.getRemovedCount());
    assertEquals(List.of("e5"), ids(await(client.find(TASKS, new JsonObject().put("_id", new JsonObject().put("$in", new JsonArray().add("e1").add("e5")))))));
  }

  @Test
  void theTakeInsReadComesFromTheStatelessWalk(Vertx vertx) throws Exception {
    open(vertx);
    for (int i = 0; i < 10; i++) {
      insert(task("t" + i, null, i % 2 == 0 ? "queued" : "completed", CREATED.get(0)));
    }
    for (int i = 0; i < 3; i++) {
      JsonObject job = task("j" + i, null, "queued", CREATED.get(1));
      job.remove("state"); // a job Agenda wrote: no state at all
      insert(job);
    }
    closeStore();
    withFile(store -> {
      MVMap<SuiteIndexKey, byte[]> index = store.openMap(StoreFileFormat.SUITES_PREFIX + FULL_NAME, StoreFileFormat.suiteIndexMap());
      assertTrue(index.remove(new SuiteIndexKey(SuiteIndex.STATELESS, CREATED.get(1), "j1")) != null);
    });
    open(vertx);
    JsonObject stateless = new JsonObject().putNull("state");
    assertEquals(List.of("j0", "j2"), ids(await(client.find(TASKS, stateless))).stream().sorted().toList(), "from the walk (j1 hidden)");
    assertEquals(3, ids(await(client.find(TASKS, new JsonObject().put("state", new JsonObject().putNull("$eq"))))).size(), "the server's way");
    // Each document read is matched against the whole query.
    assertEquals(List.of("j2"), ids(await(client.find(TASKS, stateless.copy().put("_id", "j2")))));
    // A job taken in (given a state) leaves the walk.
    await(client.updateCollection(TASKS, new JsonObject().put("_id", "j0"), new JsonObject().put("$set", new JsonObject().put("state", "queued"))));
    assertEquals(List.of("j2"), ids(await(client.find(TASKS, stateless))));
  }

  private List<String> modelNewestFirst(String suite) {
    return tasks.values().stream().filter(t -> suite.equals(t.getValue("suiteGuid")))
        .sorted(Comparator.comparing((JsonObject t) -> (Instant) created(t)).reversed().thenComparing(t -> t.getString("_id")))
        .map(t -> t.getString("_id")).toList();
  }

  private Map<String, Long> modelCounts(String suite) {
    return tasks.values().stream().filter(t -> suite.equals(t.getValue("suiteGuid")))
        .collect(Collectors.groupingBy(t -> t.getString("state"), TreeMap::new, Collectors.counting()));
  }

  /** The index as the store file holds it is exactly what the tasks call for, and marked built. */
  private void assertTheFileHoldsTheIndexOfTheTasks() {
    Set<SuiteIndexKey> expectedKeys = new HashSet<>();
    Map<KeyValue, Long> expectedCounts = new HashMap<>();
    for (JsonObject t : tasks.values()) {
      Object suite = t.getValue("suiteGuid");
      Object state = t.getValue("state");
      if (suite instanceof String s && state instanceof String) {
        expectedKeys.add(new SuiteIndexKey(s, created(t), t.getString("_id")));
        expectedCounts.merge(new KeyValue(s, t.getString("state")), 1L, Long::sum);
      } else if (suite != null) {
        continue; // irregular: only counted as such
      }
      // Every regular task among all, and the unfinished among the live.
      expectedKeys.add(new SuiteIndexKey(SuiteIndex.ALL, created(t), t.getString("_id")));
      if (state instanceof String st && !List.of("completed", "failed", "cancelled").contains(st)) {
        expectedKeys.add(new SuiteIndexKey(SuiteIndex.LIVE, created(t), t.getString("_id")));
      } else if (state instanceof String) {
        expectedKeys.add(new SuiteIndexKey(SuiteIndex.ENDED_WALK, finished(t), t.getString("_id")));
      }
    }
    withFile(store -> {
      assertTrue(store.hasMap(StoreFileFormat.SUITES_PREFIX + FULL_NAME), "no suite index in the file");
      MVMap<SuiteIndexKey, byte[]> index = store.openMap(StoreFileFormat.SUITES_PREFIX + FULL_NAME, StoreFileFormat.suiteIndexMap());
      MVMap<KeyValue, Long> counts = store.openMap(StoreFileFormat.SUITE_COUNTS_PREFIX + FULL_NAME, StoreFileFormat.suiteCountsMap());
      assertEquals(expectedKeys, new HashSet<>(index.keySet()));
      assertEquals(expectedCounts, new HashMap<>(counts));
      assertEquals(SuiteIndex.VERSION, store.openMap(StoreFileFormat.COUNTERS_PREFIX + FULL_NAME).get(SuiteIndex.BUILT_KEY));
    });
  }

  private static Object finished(JsonObject t) {
    JsonObject d = t.getJsonObject("lastFinishedAt");
    return d == null ? Missing.getInstance() : Instant.parse(d.getString("$date"));
  }

  private static Object created(JsonObject t) {
    JsonObject d = t.getJsonObject("createdAt");
    return d == null ? Missing.getInstance() : Instant.parse(d.getString("$date"));
  }

  // --- the store

  private Map<String, Long> counts(String suite, boolean fromIndex) throws Exception {
    JsonObject match = fromIndex ? new JsonObject().put("suiteGuid", suite) : scanQuery(suite);
    JsonObject reply = await(client.runCommand("aggregate", countCommand(match)));
    Map<String, Long> counts = new TreeMap<>();
    reply.getJsonObject("cursor").getJsonArray("firstBatch").forEach(o -> {
      JsonObject row = (JsonObject) o;
      counts.put(row.getString("_id"), ((Number) row.getValue("n")).longValue());
    });
    return counts;
  }

  /** The aggregate as {@code MongoTaskStore.countByState} sends it. */
  private static JsonObject countCommand(JsonObject match) {
    return new JsonObject().put("aggregate", TASKS)
        .put("pipeline", new JsonArray()
            .add(new JsonObject().put("$match", match))
            .add(new JsonObject().put("$group", new JsonObject().put("_id", "$state").put("n", new JsonObject().put("$sum", 1)))))
        .put("cursor", new JsonObject());
  }

  private static JsonObject scanQuery(String suite) {
    return new JsonObject().put("suiteGuid", new JsonObject().put("$eq", suite));
  }

  /** As {@code MongoTaskStore.list} asks for a suite's tasks. */
  private static FindOptions newestFirst(int limit) {
    return new FindOptions().setLimit(limit).setSort(new JsonObject().put("createdAt", -1).put("_id", 1));
  }

  /** The same order, by a sort the index does not take (one key more, absent from every task): the server scans. */
  private static FindOptions scannedNewestFirst(int limit) {
    return new FindOptions().setLimit(limit).setSort(new JsonObject().put("createdAt", -1).put("_id", 1).put("absent", 1));
  }

  private static List<String> ids(List<JsonObject> documents) {
    return documents.stream().map(d -> d.getString("_id")).toList();
  }

  private void withFile(java.util.function.Consumer<MVStore> use) {
    MVStore store = new MVStore.Builder().fileName(dataDir.resolve(EmbeddedStore.FILE_NAME).toString()).open();
    try {
      use.accept(store);
      store.commit();
    } finally {
      store.close();
    }
  }

  private Set<String> mapNames() {
    Set<String> names = new HashSet<>();
    withFile(store -> names.addAll(store.getMapNames()));
    return names;
  }

  private void open(Vertx vertx) {
    embedded = EmbeddedStore.onDisk(dataDir, "127.0.0.1", 0);
    client = MongoClient.create(vertx, config(embedded.connectionString()));
  }

  private void closeStore() {
    if (client != null) {
      client.close();
      client = null;
    }
    if (embedded != null) {
      embedded.close();
      embedded = null;
    }
  }

  private static JsonObject config(String connectionString) {
    return new JsonObject().put("connection_string", connectionString).put("db_name", "t");
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }
}
