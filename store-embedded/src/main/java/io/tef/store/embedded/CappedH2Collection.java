package io.tef.store.embedded;

import de.bwaldvogel.mongo.MongoDatabase;
import de.bwaldvogel.mongo.backend.AbstractSynchronizedMongoCollection;
import de.bwaldvogel.mongo.backend.CollectionOptions;
import de.bwaldvogel.mongo.backend.CursorRegistry;
import de.bwaldvogel.mongo.backend.DocumentWithPosition;
import de.bwaldvogel.mongo.backend.QueryMatcher;
import de.bwaldvogel.mongo.backend.QueryResult;
import de.bwaldvogel.mongo.bson.Document;
import org.h2.mvstore.Cursor;
import org.h2.mvstore.MVMap;

import java.util.stream.Stream;

/**
 * A capped collection: documents kept under their arrival number, so natural order is insertion
 * order (as MongoDB's capped collections and the tailing readers of pub/sub libraries expect),
 * and the oldest dropped as soon as a new one takes the collection past its {@link CappedLimits}.
 * The {@code _id} index maps ids to arrival numbers; a drop goes through the server's removal, so
 * every index follows it.
 */
final class CappedH2Collection extends AbstractSynchronizedMongoCollection<Object> {

  private static final String NEXT_KEY = "nextPosition";

  private final StoredDocuments documents;
  private final MVMap<String, Object> metaMap;
  private final CappedLimits limits;
  /** Callbacks for the next insert (or the drop): tailing readers waiting for data. */
  private final java.util.List<Runnable> waiters = new java.util.concurrent.CopyOnWriteArrayList<>();
  private volatile boolean dropped;

  CappedH2Collection(MongoDatabase database, String collectionName, CollectionOptions options, CappedLimits limits,
      MVMap<Object, byte[]> dataMap, MVMap<String, Object> metaMap, CursorRegistry cursorRegistry) {
    super(database, collectionName, options, cursorRegistry);
    this.documents = new StoredDocuments(dataMap, metaMap);
    this.metaMap = metaMap;
    this.limits = limits;
    metaMap.putIfAbsent(NEXT_KEY, 1L);
  }

  CappedLimits limits() {
    return limits;
  }

  @Override
  public synchronized void addDocument(Document document) {
    super.addDocument(document);
    while (limits.exceededBy(documents.count(), documents.size())) {
      removeDocument(documents.get(documents.map().firstKey()));
    }
    wake();
  }

  @Override
  public synchronized void drop() {
    super.drop();
    dropped = true;
    wake();
  }

  boolean dropped() {
    return dropped;
  }

  /** Runs {@code waiter} once, at the next insert or drop. */
  void onNextInsert(Runnable waiter) {
    waiters.add(waiter);
  }

  void forget(Runnable waiter) {
    waiters.remove(waiter);
  }

  private void wake() {
    for (Runnable w : waiters) {
      if (waiters.remove(w)) {
        w.run();
      }
    }
  }

  /** The arrival number of the newest document (0: none ever). */
  long lastPosition() {
    return ((Number) metaMap.get(NEXT_KEY)).longValue() - 1;
  }

  /** Documents that arrived after {@code position} and match, at most {@code limit}, and where the reading stopped. */
  record Batch(java.util.List<Document> documents, long last) {
  }

  synchronized Batch after(long position, Document filter, QueryMatcher matcher, int limit) {
    java.util.List<Document> out = new java.util.ArrayList<>();
    long last = position;
    Cursor<Object, byte[]> cursor = documents.map().cursor(position + 1);
    while (out.size() < limit && cursor.hasNext()) {
      last = ((Number) cursor.next()).longValue();
      Document d = BsonValues.decodeDocument(cursor.getValue());
      if (matcher.matches(d, filter)) {
        out.add(d);
      }
    }
    return new Batch(out, last);
  }

  /** The data size is counted as bytes are written (see {@link StoredDocuments}). */
  @Override
  protected boolean tracksDataSize() {
    return false;
  }

  @Override
  protected void updateDataSize(int sizeDelta) {
    documents.addToSize(sizeDelta);
  }

  @Override
  protected int getDataSize() {
    return documents.size();
  }

  @Override
  protected Object addDocumentInternal(Document document) {
    long position = ((Number) metaMap.get(NEXT_KEY)).longValue();
    metaMap.put(NEXT_KEY, position + 1);
    documents.add(position, document);
    return position;
  }

  @Override
  public int count() {
    return documents.count();
  }

  @Override
  public boolean isEmpty() {
    return documents.isEmpty();
  }

  @Override
  protected Document getDocument(Object position) {
    return documents.get(position);
  }

  @Override
  protected void removeDocument(Object position) {
    documents.remove(position);
  }

  @Override
  protected Stream<DocumentWithPosition<Object>> streamAllDocumentsWithPosition() {
    return documents.withPositions();
  }

  @Override
  protected QueryResult matchDocuments(Document query, Document orderBy, int numberToSkip, int numberToReturn, int batchSize,
      Document fieldSelector) {
    // Natural order is arrival order; descending walks it backwards.
    return matchDocumentsFromStream(documents.inOrder(isNaturalDescending(orderBy)), query, orderBy, numberToSkip, numberToReturn,
        batchSize, fieldSelector);
  }

  @Override
  protected void handleUpdate(Object position, Document oldDocument, Document newDocument) {
    documents.put(position, newDocument);
  }
}
