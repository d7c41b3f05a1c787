package io.tef.store.embedded;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The store's own path for a replace by {@code _id} answers every update as the server's
 * in-memory backend does, and leaves the same documents: the same commands, in the same order,
 * to both, the answers and the collections compared after each (with the suite index read back).
 */
class FencedReplaceTest {

  private static final String DB = "t";
  private static final List<String> SUITES = List.of("s1", "s2");
  private static final List<String> STATES = List.of("queued", "working", "completed", "failed");

  @TempDir
  Path dataDir;
  private EmbeddedStore onDisk;
  private EmbeddedStore oracle;
  private final List<Object> ids = new ArrayList<>();

  @AfterEach
  void close() {
    if (onDisk != null) {
      onDisk.close();
    }
    if (oracle != null) {
      oracle.close();
    }
  }

  @Test
  void everyKindOfUpdateIsAnsweredAsTheServerAnswersIt() throws Exception {
    onDisk = EmbeddedStore.onDisk(dataDir, "127.0.0.1", 0);
    oracle = EmbeddedStore.inMemory("127.0.0.1", 0);
    Random random = new Random(11);
    List<Object> docs = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      Object id = i % 10 == 0 ? (Object) (long) i : i % 10 == 1 ? (Object) i : new de.bwaldvogel.mongo.bson.ObjectId();
      if (i % 10 == 2) {
        id = "g-" + i;
      }
      ids.add(id);
      docs.add(task(id, random, 0));
    }
    both(command("insert", "tasks", "documents", docs, "ordered", false));
    int modified = 0;
    for (int step = 0; step < 1_500; step++) {
      Map<String, Object> reply = both(command("update", "tasks", "updates", List.of(randomUpdate(random)), "ordered", false));
      modified += reply.get("nModified") instanceof Number n ? n.intValue() : 0;
      if (step % 100 == 0) {
        assertSameDocuments();
      }
    }
    assertSameDocuments();
    assertTrue(modified > 300, "most fenced replaces matched and changed their document: " + modified);
  }

  private Map<String, Object> randomUpdate(Random random) {
    Object id = ids.get(random.nextInt(ids.size()));
    int attempt = random.nextInt(3);
    Map<String, Object> q = new LinkedHashMap<>();
    q.put("_id", random.nextInt(20) == 0 ? "missing-" + random.nextInt(5) : id);
    if (random.nextBoolean()) {
      q.put("attempt", attempt);
    }
    if (random.nextInt(4) == 0) {
      q.put("state", STATES.get(random.nextInt(STATES.size())));
    }
    Map<String, Object> u = task(id, random, random.nextInt(3));
    Map<String, Object> update = new LinkedHashMap<>();
    update.put("q", q);
    switch (random.nextInt(14)) {
      case 0 -> u.remove("_id");
      case 1 -> u.put("_id", "another");
      case 2 -> u.put("_id", id instanceof Long l ? (Object) l.intValue() : id);
      case 3 -> u.put("data", Map.of("$bad", 1));
      case 4 -> u = Map.of("$set", Map.of("state", "working"));
      case 5 -> update.put("upsert", true);
      case 6 -> update.put("multi", true);
      case 7 -> q.put("_id", id instanceof Long l ? (Object) l.intValue() : id instanceof Integer n ? (Object) n.longValue() : id);
      default -> { }
    }
    update.put("u", u);
    return update;
  }

  private static Map<String, Object> task(Object id, Random random, int attempt) {
    Map<String, Object> t = new LinkedHashMap<>();
    t.put("_id", id);
    t.put("suiteGuid", SUITES.get(random.nextInt(SUITES.size())));
    t.put("state", STATES.get(random.nextInt(STATES.size())));
    t.put("attempt", attempt);
    t.put("createdAt", Instant.ofEpochMilli(1_700_000_000_000L + random.nextInt(4)));
    t.put("data", Map.of("n", random.nextInt(3), "list", List.of(1, "two")));
    return t;
  }

  /** A command: its name first, as the server reads it. */
  private static Map<String, Object> command(Object... keysAndValues) {
    Map<String, Object> c = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      c.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return c;
  }

  /** The command on both stores; their answers alike (what counts in one: ok, n, nModified, error code). */
  private Map<String, Object> both(Map<String, Object> command) throws Exception {
    Map<String, Object> ours = onDisk.run(DB, List.of(command)).get(10, TimeUnit.SECONDS).get(0);
    Map<String, Object> theirs = oracle.run(DB, List.of(command)).get(10, TimeUnit.SECONDS).get(0);
    assertEquals(summary(theirs), summary(ours), () -> "answers to " + command);
    assertEquals(1.0, ((Number) ours.get("ok")).doubleValue(), () -> "a command the server knows: " + ours);
    return ours;
  }

  private static Map<String, Object> summary(Map<String, Object> reply) {
    Map<String, Object> s = new LinkedHashMap<>();
    for (String k : List.of("ok", "n", "nModified", "code")) {
      s.put(k, reply.get(k) instanceof Number n ? n.doubleValue() : reply.get(k));
    }
    if (reply.get("writeErrors") instanceof List<?> errors && !errors.isEmpty() && errors.get(0) instanceof Map<?, ?> e) {
      s.put("writeError", e.get("code"));
    }
    return s;
  }

  private void assertSameDocuments() throws Exception {
    Map<String, Object> all = command("find", "tasks", "filter", Map.of(), "sort", Map.of("_id", 1), "batchSize", 1000);
    assertEquals(documents(oracle, all), documents(onDisk, all));
    for (String suite : SUITES) {
      // Answered from the suite index on disk, by a scan in memory.
      Map<String, Object> inSuite = command("find", "tasks", "filter", Map.of("suiteGuid", suite), "batchSize", 1000);
      assertEquals(sorted(documents(oracle, inSuite)), sorted(documents(onDisk, inSuite)), "suite " + suite);
    }
  }

  private static List<Object> documents(EmbeddedStore store, Map<String, Object> find) throws Exception {
    Map<String, Object> reply = store.run(DB, List.of(find)).get(10, TimeUnit.SECONDS).get(0);
    @SuppressWarnings("unchecked")
    Map<String, Object> cursor = (Map<String, Object>) reply.get("cursor");
    return new ArrayList<>((List<?>) cursor.get("firstBatch"));
  }

  private static List<String> sorted(List<Object> docs) {
    return docs.stream().map(String::valueOf).sorted().toList();
  }
}
