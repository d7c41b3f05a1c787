package io.tef.store.embedded;

import de.bwaldvogel.mongo.MongoDatabase;
import de.bwaldvogel.mongo.backend.AbstractSynchronizedMongoCollection;
import de.bwaldvogel.mongo.backend.CollectionOptions;
import de.bwaldvogel.mongo.backend.CursorRegistry;
import de.bwaldvogel.mongo.backend.DocumentWithPosition;
import de.bwaldvogel.mongo.backend.Index;
import de.bwaldvogel.mongo.backend.Missing;
import de.bwaldvogel.mongo.backend.QueryResult;
import de.bwaldvogel.mongo.backend.Utils;
import de.bwaldvogel.mongo.bson.BsonRegularExpression;
import de.bwaldvogel.mongo.bson.Document;
import org.h2.mvstore.Cursor;
import org.h2.mvstore.MVMap;

import java.util.Collection;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.UUID;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * A collection whose documents are kept as BSON bytes, encoded when written. The server changes
 * documents it has read in place; a decoded copy per read keeps those changes away from what
 * the file holds until the server writes them, and H2 writes plain bytes when it commits.
 */
final class BsonH2Collection extends AbstractSynchronizedMongoCollection<Object> {

  private static final String DATA_SIZE_KEY = "dataSize";

  private final MVMap<Object, byte[]> dataMap;
  private final MVMap<String, Object> metaMap;

  BsonH2Collection(MongoDatabase database, String collectionName, CollectionOptions options,
      MVMap<Object, byte[]> dataMap, MVMap<String, Object> metaMap, CursorRegistry cursorRegistry) {
    super(database, collectionName, options, cursorRegistry);
    this.dataMap = dataMap;
    this.metaMap = metaMap;
    metaMap.putIfAbsent(DATA_SIZE_KEY, 0L);
  }

  @Override
  protected void updateDataSize(int sizeDelta) {
    synchronized (metaMap) {
      long size = ((Number) metaMap.get(DATA_SIZE_KEY)).longValue();
      metaMap.put(DATA_SIZE_KEY, size + sizeDelta);
    }
  }

  @Override
  protected int getDataSize() {
    return ((Number) metaMap.get(DATA_SIZE_KEY)).intValue();
  }

  @Override
  protected Object addDocumentInternal(Document document) {
    Object key = getIdField() != null ? Utils.getSubdocumentValue(document, getIdField()) : UUID.randomUUID();
    Object position = Missing.ofNullable(key);
    byte[] previous = dataMap.putIfAbsent(position, BsonValues.encodeDocument(document));
    if (previous != null) {
      throw new IllegalStateException("a document with key '" + key + "' already exists in " + this);
    }
    return key;
  }

  @Override
  public int count() {
    return dataMap.size();
  }

  @Override
  public boolean isEmpty() {
    return dataMap.isEmpty();
  }

  @Override
  protected Document getDocument(Object position) {
    byte[] bytes = dataMap.get(position);
    return bytes == null ? null : BsonValues.decodeDocument(bytes);
  }

  @Override
  protected void removeDocument(Object position) {
    if (dataMap.remove(position) == null) {
      throw new NoSuchElementException("No document with key " + position);
    }
  }

  @Override
  protected Stream<DocumentWithPosition<Object>> streamAllDocumentsWithPosition() {
    return dataMap.entrySet().stream()
        .map(e -> new DocumentWithPosition<>(BsonValues.decodeDocument(e.getValue()), e.getKey()));
  }

  /**
   * A query naming one {@code _id} and more conditions (a write fenced by the task's attempt) is
   * answered from the {@code _id} index, the other conditions matched on that one document; the
   * server would scan, its indexes answering only queries of exactly their keys.
   */
  @Override
  protected QueryResult queryDocuments(Document query, Document orderBy, int numberToSkip, int numberToReturn,
      int batchSize, Document fieldSelector) {
    String idField = getIdField();
    Object id = idField == null || query.size() < 2 ? null : query.get(idField);
    if (id != null && !(id instanceof Document) && !(id instanceof Collection) && !(id instanceof Missing)
        && !(id instanceof BsonRegularExpression) && !(id instanceof java.util.regex.Pattern)) {
      Document byId = new Document(idField, id);
      for (Index<Object> index : getIndexes()) {
        if (index.canHandle(byId)) {
          return matchDocuments(query, index.getPositions(byId), orderBy, numberToSkip, numberToReturn, batchSize, fieldSelector);
        }
      }
    }
    return super.queryDocuments(query, orderBy, numberToSkip, numberToReturn, batchSize, fieldSelector);
  }

  @Override
  protected QueryResult matchDocuments(Document query, Document orderBy, int numberToSkip,
      int numberToReturn, int batchSize, Document fieldSelector) {
    // Natural order is the map's order of ids; descending is the same keys walked backwards.
    Cursor<Object, byte[]> cursor = dataMap.cursor(null, null, isNaturalDescending(orderBy));
    Stream<Document> documents = StreamSupport.stream(Spliterators.spliteratorUnknownSize(cursor, Spliterator.ORDERED), false)
        .map(id -> BsonValues.decodeDocument(cursor.getValue()));
    return matchDocumentsFromStream(documents, query, orderBy, numberToSkip, numberToReturn, batchSize, fieldSelector);
  }

  @Override
  protected void handleUpdate(Object position, Document oldDocument, Document newDocument) {
    dataMap.put(Missing.ofNullable(position), BsonValues.encodeDocument(newDocument));
  }
}
