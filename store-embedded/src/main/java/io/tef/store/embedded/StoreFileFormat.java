package io.tef.store.embedded;

import de.bwaldvogel.mongo.backend.KeyValue;
import de.bwaldvogel.mongo.bson.Document;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.type.ByteArrayDataType;
import org.h2.mvstore.type.LongDataType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;

/**
 * The layout of the store file: the server's H2 layout (map names), with documents as BSON bytes
 * and ids and index keys compared as values, and the suite index of each {@code tasks} collection
 * ({@link SuiteIndex}). A file written in the server's own format (documents in Java
 * serialization) is converted once when opened; the file as it was is kept beside it. A file
 * written before the suite index gets it when its collection is opened, once.
 */
final class StoreFileFormat {

  private static final Logger LOG = LoggerFactory.getLogger(StoreFileFormat.class);

  static final String DOCUMENTS_PREFIX = "databases.";
  static final String COUNTERS_PREFIX = "meta.";
  private static final String INDEX_INFIX = "._index_";
  /** The suite index of a collection and its counts by state, each followed by the collection's full name. */
  static final String SUITES_PREFIX = "suites.";
  static final String SUITE_COUNTS_PREFIX = "suiteCounts.";
  /** Present in a file of this format; its entry names the document encoding. */
  static final String FORMAT_MAP = "tef.format";
  /** Capped collections by full name: {@code "size,max"} ({@link CappedLimits}). */
  static final String CAPPED_MAP = "tef.capped";
  private static final String ENCODING_KEY = "documents";
  private static final String ENCODING = "bson";
  /**
   * Whether the file is open: set when opened, cleared when closed. Found set, the last run
   * stopped without closing it, and a document's write may then be in the file without its
   * suite index entry (a commit can run between the two), so the suite indexes are built again.
   */
  private static final String RUN_KEY = "run";
  private static final String OPEN = "open";
  private static final String CLOSED = "closed";
  static final String LEGACY_SUFFIX = ".before-bson";
  private static final String CONVERTING_SUFFIX = ".converting";

  private StoreFileFormat() {
  }

  static MVMap.Builder<Object, byte[]> documentMap() {
    return new MVMap.Builder<Object, byte[]>().keyType(BsonKeyType.INSTANCE).valueType(ByteArrayDataType.INSTANCE);
  }

  static MVMap.Builder<KeyValue, Object> indexMap() {
    return new MVMap.Builder<KeyValue, Object>().keyType(KeyValueType.INSTANCE).valueType(BsonKeyType.INSTANCE);
  }

  static MVMap.Builder<SuiteIndexKey, byte[]> suiteIndexMap() {
    return new MVMap.Builder<SuiteIndexKey, byte[]>().keyType(SuiteIndexKeyType.INSTANCE).valueType(ByteArrayDataType.INSTANCE);
  }

  static MVMap.Builder<KeyValue, Long> suiteCountsMap() {
    return new MVMap.Builder<KeyValue, Long>().keyType(KeyValueType.INSTANCE).valueType(LongDataType.INSTANCE);
  }

  static String indexMapName(String fullCollectionName, String indexName) {
    return fullCollectionName + INDEX_INFIX + indexName;
  }

  /** Opens the file in this format, converting a file of the older one first. */
  static MVStore open(Path file) {
    MVStore store = openWritable(file);
    if (isOlderFormat(store)) {
      convert(store, file);
      store = openWritable(file);
    }
    MVMap<String, String> format = store.openMap(FORMAT_MAP);
    if (OPEN.equals(format.get(RUN_KEY))) {
      LOG.warn("The store file {} was not closed when last used; its suite indexes are built again", file);
      forgetSuiteIndexes(store);
    }
    format.put(ENCODING_KEY, ENCODING);
    format.put(RUN_KEY, OPEN);
    store.commit();
    return store;
  }

  /** Marks the file closed; call last before closing it. */
  static void markClosed(MVStore store) {
    store.<String, String>openMap(FORMAT_MAP).put(RUN_KEY, CLOSED);
  }

  /** Each collection with a suite index is marked not built, so opening it builds the index again. */
  private static void forgetSuiteIndexes(MVStore store) {
    for (String name : store.getMapNames()) {
      if (name.startsWith(SUITES_PREFIX)) {
        String counters = COUNTERS_PREFIX + name.substring(SUITES_PREFIX.length());
        if (store.hasMap(counters)) {
          store.openMap(counters).remove(SuiteIndex.BUILT_KEY);
        }
      }
    }
  }

  private static MVStore openWritable(Path file) {
    return new MVStore.Builder().fileName(file.toString()).open();
  }

  /** Documents without the format's mark: written by the server's own H2 backend. */
  private static boolean isOlderFormat(MVStore store) {
    return !store.hasMap(FORMAT_MAP) && store.getMapNames().stream().anyMatch(n -> n.startsWith(DOCUMENTS_PREFIX));
  }

  /** Copies the open {@code older} store, converted, into a new file that then replaces it; closes {@code older}. */
  private static void convert(MVStore older, Path file) {
    Path converting = file.resolveSibling(file.getFileName() + CONVERTING_SUFFIX);
    Path legacy = file.resolveSibling(file.getFileName() + LEGACY_SUFFIX);
    long documents;
    try {
      LOG.info("Converting the store file {} to BSON documents (once); the file as it was stays in {}", file, legacy);
      Files.deleteIfExists(converting);
      documents = copyConverted(older, converting);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot convert the store file " + file, e);
    } finally {
      older.close();
    }
    try {
      // The original stays intact until the converted file replaces it in one rename.
      Files.copy(file, legacy, StandardCopyOption.REPLACE_EXISTING);
      Files.move(converting, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot replace the store file " + file + " by its converted copy " + converting, e);
    }
    LOG.info("Converted the store file {}: {} documents", file, documents);
  }

  private static long copyConverted(MVStore older, Path target) {
    MVStore converted = new MVStore.Builder().fileName(target.toString()).autoCommitDisabled().open();
    long documents = 0;
    try {
      for (String name : older.getMapNames()) {
        MVMap<Object, Object> from = older.openMap(name);
        if (name.startsWith(DOCUMENTS_PREFIX)) {
          MVMap<Object, byte[]> to = converted.openMap(name, documentMap());
          for (Map.Entry<Object, Object> e : from.entrySet()) {
            to.put(e.getKey(), BsonValues.encodeDocument((Document) e.getValue()));
            documents++;
          }
        } else if (name.contains(INDEX_INFIX)) {
          MVMap<KeyValue, Object> to = converted.openMap(name, indexMap());
          from.forEach((key, position) -> to.put((KeyValue) key, position));
        } else {
          converted.openMap(name).putAll(from);
        }
      }
      converted.<String, String>openMap(FORMAT_MAP).put(ENCODING_KEY, ENCODING);
      converted.commit();
    } finally {
      converted.close();
    }
    return documents;
  }
}
