package io.tef.store.embedded;

import de.bwaldvogel.mongo.MongoCollection;
import de.bwaldvogel.mongo.MongoDatabase;
import de.bwaldvogel.mongo.backend.AbstractSynchronizedMongoDatabase;
import de.bwaldvogel.mongo.backend.CollectionOptions;
import de.bwaldvogel.mongo.backend.CursorRegistry;
import de.bwaldvogel.mongo.backend.DatabaseResolver;
import de.bwaldvogel.mongo.backend.Index;
import de.bwaldvogel.mongo.backend.IndexKey;
import de.bwaldvogel.mongo.backend.KeyValue;
import de.bwaldvogel.mongo.backend.Utils;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.exception.NamespaceExistsException;
import de.bwaldvogel.mongo.oplog.Oplog;
import io.netty.channel.Channel;
import org.h2.mvstore.FileStore;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A database in the store file, laid out as the server's H2 backend lays it out (one map of
 * documents, one of counters per collection, one map per unique index), with the map types of
 * {@link StoreFileFormat}; a {@code tasks} collection also has its {@link SuiteIndex}, which
 * answers the aggregate counting a suite's tasks by state.
 */
final class BsonH2Database extends AbstractSynchronizedMongoDatabase<Object> {

  private final MVStore mvStore;
  /** Tailable cursors opened here, closed after {@link #IDLE_CURSOR_MS} unused, as MongoDB times out idle cursors. */
  private final java.util.Set<TailableCursor> tails = java.util.concurrent.ConcurrentHashMap.newKeySet();
  static final long IDLE_CURSOR_MS = 10 * 60 * 1000;
  /** Capped collections by full name, and their limits ({@link CappedLimits#stored()}). */
  private final MVMap<String, String> capped;

  BsonH2Database(String databaseName, MVStore mvStore, CursorRegistry cursorRegistry) {
    super(databaseName, cursorRegistry);
    this.mvStore = mvStore;
    this.capped = mvStore.openMap(StoreFileFormat.CAPPED_MAP);
    initializeNamespacesAndIndexes();
  }

  @Override
  protected Index<Object> openOrCreateUniqueIndex(String collectionName, String indexName, List<IndexKey> keys, boolean sparse) {
    MVMap<KeyValue, Object> map = mvStore.openMap(indexMapName(collectionName, indexName), StoreFileFormat.indexMap());
    return new BsonH2UniqueIndex(map, indexName, keys, sparse);
  }

  /** Kept by name only, and never filled by a scan of its collection: see {@link UnbuiltIndex}. */
  @Override
  protected Index<Object> openOrCreateSecondaryIndex(String collectionName, String indexName, List<IndexKey> keys, boolean sparse) {
    return new UnbuiltIndex<>(indexName, keys);
  }

  @Override
  protected void dropIndex(MongoCollection<Object> collection, String indexName) {
    super.dropIndex(collection, indexName);
    mvStore.removeMap(indexMapName(collection.getCollectionName(), indexName));
  }

  private String indexMapName(String collectionName, String indexName) {
    return StoreFileFormat.indexMapName(getFullCollectionNamespace(collectionName), indexName);
  }

  @Override
  protected MongoCollection<Object> openOrCreateCollection(String collectionName, CollectionOptions options) {
    String fullName = getFullCollectionNamespace(collectionName);
    MVMap<String, Object> counters = counters(fullName);
    String limits = capped.get(fullName);
    if (limits != null) {
      return new CappedH2Collection(this, collectionName, options, CappedLimits.parse(limits), documents(fullName), counters, cursorRegistry);
    }
    return new BsonH2Collection(this, collectionName, options, documents(fullName), counters,
        suiteIndex(collectionName, fullName, counters), cursorRegistry);
  }

  private SuiteIndex suiteIndex(String collectionName, String fullName, MVMap<String, Object> counters) {
    return SuiteIndex.COLLECTION.equals(collectionName) ? SuiteIndex.open(mvStore, fullName, counters) : null;
  }

  /** The aggregate counting a suite's tasks by state, answered from the suite index when it can. */
  @Override
  public Document handleCommand(Channel channel, String command, Document query, DatabaseResolver resolver, Oplog oplog) {
    if ("aggregate".equalsIgnoreCase(command)) {
      Document reply = suiteCounts(query);
      if (reply != null) {
        clearLastStatus(channel); // as the server does before any command
        return reply;
      }
    }
    if ("create".equalsIgnoreCase(command) && Utils.isTrue(query.get("capped"))) {
      clearLastStatus(channel);
      return createCapped(query.get(command).toString(), CappedLimits.of(query));
    }
    if ("find".equalsIgnoreCase(command) && Utils.isTrue(query.get("tailable"))) {
      clearLastStatus(channel);
      return tail(query.get(command).toString(), query);
    }
    if ("listCollections".equalsIgnoreCase(command)) {
      return listCollections(super.handleCommand(channel, command, query, resolver, oplog), query);
    }
    return super.handleCommand(channel, command, query, resolver, oplog);
  }

  /** A tailable cursor, open even when it has read everything (the server has none). */
  private Document tail(String name, Document query) {
    TailableCursor cursor = openTail(name, query.get("filter") instanceof Document f ? f : null, Utils.isTrue(query.get("awaitData")));
    int batchSize = query.get("batchSize") instanceof Number n ? n.intValue() : 101;
    List<Document> first = cursor.takeDocuments(batchSize);
    Document reply = new Document("cursor", new Document("id", cursor.getId()).append("ns", getFullCollectionNamespace(name)).append("firstBatch", first));
    Utils.markOkay(reply);
    return reply;
  }

  /** A tailable cursor on a capped collection of this database, registered with the server's cursors. */
  TailableCursor openTail(String name, Document filter, boolean awaitData) {
    if (!(resolveCollection(name, false) instanceof CappedH2Collection collection)) {
      throw new de.bwaldvogel.mongo.exception.MongoServerError(2, "BadValue",
          "error processing query: tailable cursor requested on non capped collection " + getFullCollectionNamespace(name));
    }
    TailableCursor cursor = new TailableCursor(cursorRegistry.generateCursorId(), collection, filter, awaitData);
    closeIdleTails();
    cursorRegistry.add(cursor);
    tails.add(cursor);
    return cursor;
  }

  private void closeIdleTails() {
    for (TailableCursor t : tails) {
      boolean gone;
      try {
        gone = cursorRegistry.getCursor(t.getId()) != t;
      } catch (RuntimeException killed) {
        gone = true; // killCursors took it
      }
      if (gone || t.isEmpty() || t.idleFor(IDLE_CURSOR_MS)) {
        cursorRegistry.remove(t.getId());
        tails.remove(t);
      }
    }
  }

  /** The server refuses capped collections: kept here, their limits in the store file before the collection exists. */
  private Document createCapped(String name, CappedLimits limits) {
    String fullName = getFullCollectionNamespace(name);
    if (resolveCollection(name, false) != null) {
      throw new NamespaceExistsException("Collection already exists. NS: " + fullName);
    }
    capped.put(fullName, limits.stored());
    try {
      createCollectionOrThrowIfExists(name, CollectionOptions.withDefaults());
    } catch (RuntimeException e) {
      capped.remove(fullName);
      throw e;
    }
    Document reply = new Document();
    Utils.markOkay(reply);
    return reply;
  }

  /** The server's listing answers every collection: here only those its {@code filter} matches, capped ones with their options. */
  @SuppressWarnings("unchecked")
  private Document listCollections(Document reply, Document query) {
    Document cursor = (Document) reply.get("cursor");
    Object filter = query.get("filter");
    boolean nameOnly = Utils.isTrue(query.get("nameOnly"));
    de.bwaldvogel.mongo.backend.QueryMatcher matcher = new de.bwaldvogel.mongo.backend.DefaultQueryMatcher();
    List<Document> kept = new ArrayList<>();
    for (Document d : (List<Document>) cursor.get("firstBatch")) {
      String limits = capped.get(getFullCollectionNamespace(String.valueOf(d.get("name"))));
      if (limits != null) {
        d.put("options", CappedLimits.parse(limits).options());
      }
      if (!(filter instanceof Document f) || f.isEmpty() || matcher.matches(d, f)) {
        kept.add(nameOnly ? new Document("name", d.get("name")).append("type", d.get("type")) : d);
      }
    }
    cursor.put("firstBatch", kept);
    return reply;
  }

  private Document suiteCounts(Document query) {
    SuiteCountPipeline pipeline = SuiteCountPipeline.of(query);
    if (pipeline == null || !SuiteIndex.COLLECTION.equals(query.get("aggregate"))
        || !(resolveCollection(SuiteIndex.COLLECTION, false) instanceof BsonH2Collection tasks)) {
      return null;
    }
    Map<String, Long> counts = tasks.suiteCounts(pipeline.suite());
    if (counts == null) {
      return null;
    }
    List<Document> rows = new ArrayList<>(counts.size());
    counts.forEach((state, n) -> rows.add(pipeline.row(state, n)));
    // The server's reply to an aggregate: its whole answer in the first batch, no cursor left open.
    Document cursor = new Document("id", 0L).append("ns", getFullCollectionNamespace(SuiteIndex.COLLECTION)).append("firstBatch", rows);
    Document reply = new Document("cursor", cursor);
    Utils.markOkay(reply);
    return reply;
  }

  private MVMap<Object, byte[]> documents(String fullName) {
    return mvStore.openMap(StoreFileFormat.DOCUMENTS_PREFIX + fullName, StoreFileFormat.documentMap());
  }

  private MVMap<String, Object> counters(String fullName) {
    return mvStore.openMap(StoreFileFormat.COUNTERS_PREFIX + fullName);
  }

  @Override
  public void drop(Oplog oplog) {
    super.drop(oplog);
    capped.keySet().removeIf(name -> name.startsWith(databaseName + "."));
    String[] prefixes = {databaseName + ".", StoreFileFormat.DOCUMENTS_PREFIX + databaseName + ".",
        StoreFileFormat.COUNTERS_PREFIX + databaseName + ".", StoreFileFormat.SUITES_PREFIX + databaseName + ".",
        StoreFileFormat.SUITE_COUNTS_PREFIX + databaseName + "."};
    for (String name : List.copyOf(mvStore.getMapNames())) {
      for (String prefix : prefixes) {
        if (name.startsWith(prefix)) {
          mvStore.removeMap(name);
          break;
        }
      }
    }
  }

  @Override
  public void dropCollection(String collectionName, Oplog oplog) {
    super.dropCollection(collectionName, oplog);
    String fullName = getFullCollectionNamespace(collectionName);
    mvStore.removeMap(documents(fullName));
    mvStore.removeMap(counters(fullName));
    capped.remove(fullName);
    SuiteIndex.remove(mvStore, fullName, null);
  }

  @Override
  public void moveCollection(MongoDatabase oldDatabase, MongoCollection<?> collection, String newCollectionName) {
    String oldName = collection.getFullName(); // before the move renames the collection
    super.moveCollection(oldDatabase, collection, newCollectionName);
    String newName = getFullCollectionNamespace(newCollectionName);
    mvStore.renameMap(documents(oldName), StoreFileFormat.DOCUMENTS_PREFIX + newName);
    String limits = capped.remove(oldName);
    if (limits != null) {
      capped.put(newName, limits);
    }
    MVMap<String, Object> counters = counters(oldName);
    mvStore.renameMap(counters, StoreFileFormat.COUNTERS_PREFIX + newName);
    // A suite index belongs to the name: dropped with the old one, built for a new name "tasks".
    SuiteIndex.remove(mvStore, oldName, counters);
    if (collection instanceof BsonH2Collection moved) {
      moved.useSuiteIndex(suiteIndex(newCollectionName, newName, counters));
    }
  }

  @Override
  protected long getStorageSize() {
    FileStore<?> fileStore = mvStore.getFileStore();
    return fileStore == null ? 0 : fileStore.size();
  }

  @Override
  protected long getFileSize() {
    return getStorageSize();
  }
}
