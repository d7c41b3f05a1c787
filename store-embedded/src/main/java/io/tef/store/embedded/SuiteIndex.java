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
  /** In the collection's counters: the layout of these maps once built for all its documents. */
  static final String BUILT_KEY = "suiteIndex";
  static final int VERSION = 1;
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
    LOG.info("Indexed the suites of {} ({} documents, {} in suites) in {} ms", fullName, seen[0], entries.sizeAsLong(),
        (System.nanoTime() - t0) / 1_000_000);
  }

  void added(Object position, Document document) {
    apply(entryOf(position, document), 1);
  }

  void removed(Object position, Document document) {
    apply(entryOf(position, document), -1);
  }

  void replaced(Object position, Document before, Document after) {
    Entry was = entryOf(position, before);
    Entry is = entryOf(position, after);
    if (Objects.equals(was, is)) {
      return;
    }
    if (was != null && is != null && was.key() != null && was.key().equals(is.key())) {
      // The usual change of a task: its state, not its place in the suite.
      count(was, -1);
      count(is, 1);
      return;
    }
    apply(was, -1);
    apply(is, 1);
  }

  /** False while an irregular document is in the collection: then the server scans, as before. */
  boolean answers() {
    return irregular() == 0;
  }

  /** Positions of a suite's documents, in no particular order. */
  Iterator<Object> positions(String suite) {
    return positions(entries.cursor(SuiteIndexKey.first(suite), SuiteIndexKey.last(suite), false));
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
    KeyValue key = new KeyValue(entry.key().suite(), entry.state());
    Long n = counts.get(key);
    long now = (n == null ? 0 : n) + delta;
    if (now > 0) {
      counts.put(key, now);
    } else {
      counts.remove(key);
    }
  }

  /** What the index keeps of one document; null: the document is in no suite. */
  private record Entry(SuiteIndexKey key, String state) {
  }

  private static final Entry IRREGULAR = new Entry(null, null);

  private static Entry entryOf(Object position, Document document) {
    Object suite = document.get(SUITE);
    if (suite == null) {
      return null;
    }
    Object state = document.get(STATE);
    // As the server's sort reads a field: absent is Missing, not null.
    Object created = document.containsKey(CREATED) ? document.get(CREATED) : Missing.getInstance();
    if (!(suite instanceof String s) || !(state instanceof String st) || created instanceof Collection || created instanceof Document) {
      return IRREGULAR;
    }
    return new Entry(new SuiteIndexKey(s, created, Missing.ofNullable(position)), st);
  }
}
