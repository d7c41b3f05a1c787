package io.tef.store.embedded;

import de.bwaldvogel.mongo.MongoCollection;
import de.bwaldvogel.mongo.MongoDatabase;
import de.bwaldvogel.mongo.backend.AbstractSynchronizedMongoDatabase;
import de.bwaldvogel.mongo.backend.CollectionOptions;
import de.bwaldvogel.mongo.backend.CursorRegistry;
import de.bwaldvogel.mongo.backend.Index;
import de.bwaldvogel.mongo.backend.IndexKey;
import de.bwaldvogel.mongo.backend.KeyValue;
import de.bwaldvogel.mongo.oplog.Oplog;
import org.h2.mvstore.FileStore;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;

import java.util.List;

/**
 * A database in the store file, laid out as the server's H2 backend lays it out (one map of
 * documents, one of counters per collection, one map per unique index), with the map types of
 * {@link StoreFileFormat}.
 */
final class BsonH2Database extends AbstractSynchronizedMongoDatabase<Object> {

  private final MVStore mvStore;

  BsonH2Database(String databaseName, MVStore mvStore, CursorRegistry cursorRegistry) {
    super(databaseName, cursorRegistry);
    this.mvStore = mvStore;
    initializeNamespacesAndIndexes();
  }

  @Override
  protected Index<Object> openOrCreateUniqueIndex(String collectionName, String indexName, List<IndexKey> keys, boolean sparse) {
    MVMap<KeyValue, Object> map = mvStore.openMap(indexMapName(collectionName, indexName), StoreFileFormat.indexMap());
    return new BsonH2UniqueIndex(map, indexName, keys, sparse);
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
    return new BsonH2Collection(this, collectionName, options, documents(fullName), counters(fullName), cursorRegistry);
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
    String[] prefixes = {databaseName + ".", StoreFileFormat.DOCUMENTS_PREFIX + databaseName + ".",
        StoreFileFormat.COUNTERS_PREFIX + databaseName + "."};
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
  }

  @Override
  public void moveCollection(MongoDatabase oldDatabase, MongoCollection<?> collection, String newCollectionName) {
    super.moveCollection(oldDatabase, collection, newCollectionName);
    String oldName = collection.getFullName();
    String newName = getFullCollectionNamespace(newCollectionName);
    mvStore.renameMap(documents(oldName), StoreFileFormat.DOCUMENTS_PREFIX + newName);
    mvStore.renameMap(counters(oldName), StoreFileFormat.COUNTERS_PREFIX + newName);
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
