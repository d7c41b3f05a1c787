package io.tef.store.embedded;

import de.bwaldvogel.mongo.backend.DocumentWithPosition;
import de.bwaldvogel.mongo.backend.KeyValue;
import de.bwaldvogel.mongo.backend.Missing;
import de.bwaldvogel.mongo.bson.Document;
import org.h2.mvstore.Cursor;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The suites of the {@code tasks} collection, kept in the store file beside its documents: every
 * document with a {@code suiteGuid} under (suite, createdAt, id), and how many documents each
 * (suite, state) has. The server reads a suite's tasks and counts from these instead of scanning
 * every task. They change with the documents, under the collection's lock, in the same maps'
 * store, so a commit holds both. A document whose suite, state or {@code createdAt} is not a
 * plain value (a suite that is not a string, a list) is only counted as irregular: while any
 * exists, the suite queries go the server's way, whose matching of lists this does not follow.
 */
final class SuiteIndex {

  private static final Logger LOG = LoggerFactory.getLogger(SuiteIndex.class);

  static final String COLLECTION = "tasks";
  static final String SUITE = "suiteGuid";
  static final String STATE = "state";
  static final String CREATED = "createdAt";
  static final String FINISHED = "lastFinishedAt";
  /** In the collection's counters: the layout of these maps once built for all its documents. */
  static final String BUILT_KEY = "suiteIndex";
  static final int VERSION = 4;
  /**
   * Two more walks kept in the same map under names no suite can have (a document whose suite
   * starts with {@code \u0000} is irregular): every document, for a listing newest first, and the
   * documents not ended, for the dispatcher's read of its unfinished tasks. Neither is counted.
   */
  static final String ALL = "\u0000all";
  static final String LIVE = "\u0000live";
  /**
   * A third walk: the documents that ended, under their {@code lastFinishedAt} rather than their
   * {@code createdAt}, oldest end first: retention's read of what expired stops at its cutoff, and
   * a read of the ended sorted by end time alone (the cap's oldest) walks them in that order.
   */
  static final String ENDED_WALK = "\u0000ended";
  /**
   * A fourth walk: the documents with no state (no {@code state}, or one that is not text): jobs
   * another program (Agenda) wrote into the collection, for the dispatcher's take-in of them, which
   * asks for {@code {state: null}} every second and must not read every task to find none.
   */
  static final String STATELESS = "\u0000stateless";
  /** The states a task ends in (protocol's TaskState), the ones {@link #LIVE} leaves out. */
  static final java.util.Set<String> ENDED = java.util.Set.of("completed", "failed", "cancelled");
  private static final String IRREGULAR_KEY = "suiteIndexIrregular";
  private static final byte[] PRESENT = new byte[0];

  private final String fullName;
  private final MVMap<SuiteIndexKey, byte[]> entries;
  private final MVMap<KeyValue, Long> counts;
  private final MVMap<String, Object> meta;

  private SuiteIndex(String fullName, MVMap<SuiteIndexKey, byte[]> entries, MVMap<KeyValue, Long> counts, MVMap<String, Object> meta) {
    this.fullName = fullName;
    this.entries = entries;
    this.counts = counts;
    this.meta = meta;
  }

  /** The index of the collection {@code fullName}, its maps opened (created empty if new). */
  static SuiteIndex open(MVStore store, String fullName, MVMap<String, Object> meta) {
    return new SuiteIndex(fullName, store.openMap(StoreFileFormat.SUITES_PREFIX + fullName, StoreFileFormat.suiteIndexMap()),
        store.openMap(StoreFileFormat.SUITE_COUNTS_PREFIX + fullName, StoreFileFormat.suiteCountsMap()), meta);
  }

  /** Removes the index of {@code fullName} from the file; its collection's counters forget it was built. */
  static void remove(MVStore store, String fullName, MVMap<String, Object> meta) {
    for (String name : List.of(StoreFileFormat.SUITES_PREFIX + fullName, StoreFileFormat.SUITE_COUNTS_PREFIX + fullName)) {
      if (store.hasMap(name)) {
        store.removeMap(name);
      }
    }
    if (meta != null) {
      meta.remove(BUILT_KEY);
      meta.remove(IRREGULAR_KEY);
    }
  }

  boolean isBuilt() {
    return Integer.valueOf(VERSION).equals(meta.get(BUILT_KEY));
  }

  /** Indexes every document again (a file written before the index, or after a stop that did not close it). */
  void build(Stream<DocumentWithPosition<Object>> documents) {
    long t0 = System.nanoTime();
    entries.clear();
    counts.clear();
    meta.put(IRREGULAR_KEY, 0L);
    long[] seen = {0};
    documents.forEach(d -> {
      added(d.getPosition(), d.getDocument());
      seen[0]++;
    });
    meta.put(BUILT_KEY, VERSION);
    if (seen[0] == 0) {
      return; // a new collection: nothing was indexed
    }
    LOG.info("Indexed {} by suite, creation, unfinished and end ({} documents, {} keys) in {} ms", fullName, seen[0], entries.sizeAsLong(),
        (System.nanoTime() - t0) / 1_000_000);
  }

  void added(Object position, Document document) {
    entriesOf(position, document).forEach(e -> apply(e, 1));
  }

  void removed(Object position, Document document) {
    entriesOf(position, document).forEach(e -> apply(e, -1));
  }

  void replaced(Object position, Document before, Document after) {
    List<Entry> was = entriesOf(position, before);
    List<Entry> is = entriesOf(position, after);
    if (was.equals(is)) {
      return;
    }
    for (Entry e : was) {
      Entry same = sameKey(is, e);
      if (same == null) {
        apply(e, -1);
      } else if (!same.equals(e)) {
        // The usual change of a task: its state, not its place.
        count(e, -1);
        count(same, 1);
      }
    }
    for (Entry e : is) {
      if (sameKey(was, e) == null) {
        apply(e, 1);
      }
    }
  }

  private static Entry sameKey(List<Entry> entries, Entry e) {
    for (Entry x : entries) {
      if (x != IRREGULAR && e != IRREGULAR && x.key().equals(e.key())) {
        return x;
      }
      if (x == IRREGULAR && e == IRREGULAR) {
        return x;
      }
    }
    return null;
  }

  /** False while an irregular document is in the collection: then the server scans, as before. */
  boolean answers() {
    return irregular() == 0;
  }

  /** Positions of a suite's documents (or of {@link #ALL}, {@link #LIVE}, {@link #STATELESS}), in no particular order. */
  Iterator<Object> positions(String suite) {
    return positions(entries.cursor(SuiteIndexKey.first(suite), SuiteIndexKey.last(suite), false));
  }

  /** Positions of the ended documents whose end is before {@code cutoff} (as the server compares values), oldest end first. */
  Iterator<Object> endedBefore(Object cutoff) {
    Cursor<SuiteIndexKey, byte[]> cursor = entries.cursor(SuiteIndexKey.first(ENDED_WALK), SuiteIndexKey.last(ENDED_WALK), false);
    return new Iterator<>() {
      private SuiteIndexKey next = advance();

      private SuiteIndexKey advance() {
        if (!cursor.hasNext()) {
          return null;
        }
        SuiteIndexKey k = cursor.next();
        return SuiteIndexKey.compareCreated(k.createdAt(), cutoff) < 0 ? k : null;
      }

      @Override
      public boolean hasNext() {
        return next != null;
      }

      @Override
      public Object next() {
        SuiteIndexKey k = next;
        next = advance();
        return k.position();
      }
    };
  }

  /** Positions of a suite's documents in the order of the sort {@code {createdAt: -1, _id: 1}}. */
  Iterator<Object> newestFirst(String suite) {
    return positions(entries.cursor(SuiteIndexKey.last(suite), SuiteIndexKey.first(suite), true));
  }

  /** How many of the suite's documents are in each state, states in order; none: empty. */
  Map<String, Long> counts(String suite) {
    Map<String, Long> out = new TreeMap<>();
    Cursor<KeyValue, Long> cursor = counts.cursor(new KeyValue(suite));
    while (cursor.hasNext()) {
      KeyValue key = cursor.next();
      if (!suite.equals(key.get(0))) {
        break;
      }
      if (key.size() == 2) {
        out.put((String) key.get(1), cursor.getValue());
      }
    }
    return out;
  }

  private static Iterator<Object> positions(Cursor<SuiteIndexKey, byte[]> cursor) {
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return cursor.hasNext();
      }

      @Override
      public Object next() {
        return cursor.next().position();
      }
    };
  }

  private long irregular() {
    Object n = meta.get(IRREGULAR_KEY);
    return n == null ? 0 : ((Number) n).longValue();
  }

  private void apply(Entry entry, int delta) {
    if (entry == null) {
      return;
    }
    if (entry == IRREGULAR) {
      meta.put(IRREGULAR_KEY, Math.max(0, irregular() + delta));
      return;
    }
    if (delta > 0) {
      entries.put(entry.key(), PRESENT);
    } else {
      entries.remove(entry.key());
    }
    count(entry, delta);
  }

  private void count(Entry entry, int delta) {
    if (!entry.counted()) {
      return;
    }
    KeyValue key = new KeyValue(entry.key().suite(), entry.state());
    Long n = counts.get(key);
    long now = (n == null ? 0 : n) + delta;
    if (now > 0) {
      counts.put(key, now);
    } else {
      counts.remove(key);
    }
  }

  /** One key the index keeps of a document; {@code counted}: by state, for its suite. */
  private record Entry(SuiteIndexKey key, String state, boolean counted) {
  }

  private static final Entry IRREGULAR = new Entry(null, null, false);
  private static final List<Entry> IRREGULAR_ONLY = List.of(IRREGULAR);

  /** Its suite's key (if it has a suite), its key among all, its key among the unfinished or the ended (by end time). */
  private static List<Entry> entriesOf(Object position, Document document) {
    Object suite = document.get(SUITE);
    Object state = document.get(STATE);
    // As the server's sort reads a field: absent is Missing, not null.
    Object created = document.containsKey(CREATED) ? document.get(CREATED) : Missing.getInstance();
    if (created instanceof Collection || created instanceof Document) {
      return IRREGULAR_ONLY;
    }
    Object finished = document.containsKey(FINISHED) ? document.get(FINISHED) : Missing.getInstance();
    if (finished instanceof Collection || finished instanceof Document) {
      return IRREGULAR_ONLY;
    }
    Object at = Missing.ofNullable(position);
    String st = state instanceof String x ? x : null;
    List<Entry> out = new java.util.ArrayList<>(4);
    if (suite != null) {
      if (!(suite instanceof String s) || st == null || s.startsWith("\u0000")) {
        return IRREGULAR_ONLY;
      }
      out.add(new Entry(new SuiteIndexKey(s, created, at), st, true));
    }
    out.add(new Entry(new SuiteIndexKey(ALL, created, at), st, false));
    if (st == null) {
      out.add(new Entry(new SuiteIndexKey(STATELESS, created, at), null, false));
    } else if (!ENDED.contains(st)) {
      out.add(new Entry(new SuiteIndexKey(LIVE, created, at), st, false));
    } else {
      out.add(new Entry(new SuiteIndexKey(ENDED_WALK, finished, at), st, false));
    }
    return out;
  }
}
