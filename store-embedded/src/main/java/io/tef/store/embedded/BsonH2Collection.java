package io.tef.store.embedded;

import de.bwaldvogel.mongo.MongoDatabase;
import de.bwaldvogel.mongo.backend.AbstractSynchronizedMongoCollection;
import de.bwaldvogel.mongo.backend.ArrayFilters;
import de.bwaldvogel.mongo.backend.CollectionOptions;
import de.bwaldvogel.mongo.backend.CursorRegistry;
import de.bwaldvogel.mongo.backend.DocumentWithPosition;
import de.bwaldvogel.mongo.backend.Index;
import de.bwaldvogel.mongo.backend.Missing;
import de.bwaldvogel.mongo.backend.QueryResult;
import de.bwaldvogel.mongo.backend.Utils;
import de.bwaldvogel.mongo.bson.BsonRegularExpression;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.bson.ObjectId;
import de.bwaldvogel.mongo.oplog.NoopOplog;
import de.bwaldvogel.mongo.oplog.Oplog;
import org.h2.mvstore.MVMap;

import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.UUID;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * A collection whose documents are kept as BSON bytes, encoded when written. The server changes
 * documents it has read in place; a decoded copy per read keeps those changes away from what
 * the file holds until the server writes them, and H2 writes plain bytes when it commits. The
 * {@code tasks} collection also keeps its {@link SuiteIndex}, changed with each document.
 */
final class BsonH2Collection extends AbstractSynchronizedMongoCollection<Object> {

  private final StoredDocuments documents;
  /** Null unless this is the {@code tasks} collection. */
  private SuiteIndex suites;

  BsonH2Collection(MongoDatabase database, String collectionName, CollectionOptions options,
      MVMap<Object, byte[]> dataMap, MVMap<String, Object> metaMap, SuiteIndex suites, CursorRegistry cursorRegistry) {
    super(database, collectionName, options, cursorRegistry);
    this.documents = new StoredDocuments(dataMap, metaMap);
    useSuiteIndex(suites);
  }

  /** After a rename: the index of the collection's new name, or none. */
  synchronized void useSuiteIndex(SuiteIndex suites) {
    this.suites = suites;
    if (suites != null && !suites.isBuilt()) {
      suites.build(streamAllDocumentsWithPosition());
    }
  }

  /**
   * The counts by state of a suite's documents, from the index; null when the index cannot say
   * (not the {@code tasks} collection, or an irregular document in it).
   */
  synchronized Map<String, Long> suiteCounts(String suite) {
    return suites != null && suites.answers() ? suites.counts(suite) : null;
  }

  /** The data size is counted as bytes are written and removed (see {@link StoredDocuments}). */
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
    Object key = getIdField() != null ? Utils.getSubdocumentValue(document, getIdField()) : UUID.randomUUID();
    Object position = Missing.ofNullable(key);
    if (!documents.add(position, document)) {
      throw new IllegalStateException("a document with key '" + key + "' already exists in " + this);
    }
    if (suites != null) {
      suites.added(position, document);
    }
    return key;
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
    Document removed = documents.remove(position);
    if (suites != null) {
      suites.removed(position, removed);
    }
  }

  @Override
  protected Stream<DocumentWithPosition<Object>> streamAllDocumentsWithPosition() {
    return documents.withPositions();
  }

  /**
   * A query naming one {@code _id} and more conditions (a write fenced by the task's attempt) is
   * answered from the {@code _id} index, the other conditions matched on that one document; the
   * server would scan, its indexes answering only queries of exactly their keys. A query naming
   * one suite is answered from the suite index (the {@code _id} first: one document is fewer).
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
    if (id instanceof Document in && in.size() == 1 && in.get("$in") instanceof Collection<?> ids && plainValues(ids)) {
      // Retention's removal: a batch of ids and a state condition, read from the _id index.
      for (Index<Object> index : getIndexes()) {
        if (index.canHandle(new Document(idField, ids.iterator().next()))) {
          List<Object> positions = new java.util.ArrayList<>();
          for (Object one : new java.util.LinkedHashSet<>(ids)) {
            index.getPositions(new Document(idField, one)).forEach(positions::add);
          }
          return matchDocuments(query, positions, orderBy, numberToSkip, numberToReturn, batchSize, fieldSelector);
        }
      }
    }
    Iterator<Object> inSuite = suitePositions(query, orderBy);
    if (inSuite != null) {
      // Already in the order asked for: matched, skipped and limited as they come, so a limit stops the walk.
      Stream<Document> walked = StreamSupport.stream(Spliterators.spliteratorUnknownSize(inSuite, Spliterator.ORDERED), false)
          .map(this::getDocument)
          .filter(Objects::nonNull);
      return matchDocumentsFromStream(query, walked, numberToSkip, numberToReturn, batchSize, null, fieldSelector);
    }
    return super.queryDocuments(query, orderBy, numberToSkip, numberToReturn, batchSize, fieldSelector);
  }

  /**
   * The positions to read, from the suite index, or null (the server scans). A query naming one
   * suite (and maybe more conditions), unsorted or sorted newest first as a suite's tasks are
   * listed: that suite's. Any other query sorted newest first (a listing): every document's, in
   * that order, matched as they come, so a limit ends the walk. Unsorted, asking only for states a
   * task has not ended in (the dispatcher's read of its unfinished tasks): the unfinished ones'.
   * Unsorted, asking for {@code state: null} (the take-in of jobs another program wrote): those without a state.
   * Each document read is matched against the whole query, so these need only hold every match.
   */
  private Iterator<Object> suitePositions(Document query, Document orderBy) {
    if (suites == null || !suites.answers()) {
      return null;
    }
    boolean unsorted = orderBy == null || orderBy.isEmpty();
    if (query.get(SuiteIndex.SUITE) instanceof String suite) {
      return unsorted ? suites.positions(suite) : isNewestFirst(orderBy) ? suites.newestFirst(suite) : null;
    }
    if (unsorted && query.containsKey(SuiteIndex.STATE) && query.get(SuiteIndex.STATE) == null) {
      return suites.positions(SuiteIndex.STATELESS);
    }
    if (onlyEnded(query.get(SuiteIndex.STATE))) {
      if (unsorted) {
        Object before = query.get(SuiteIndex.FINISHED) instanceof Document d && d.size() == 1 ? d.get("$lt") : null;
        return before instanceof java.time.Instant ? suites.endedBefore(before) : suites.positions(SuiteIndex.ENDED_WALK);
      }
      if (isOldestEndFirst(orderBy)) {
        return suites.positions(SuiteIndex.ENDED_WALK);
      }
    }
    if (!unsorted) {
      return isNewestFirst(orderBy) ? suites.newestFirst(SuiteIndex.ALL) : null;
    }
    return query.size() == 1 && onlyUnfinished(query.get(SuiteIndex.STATE)) ? suites.positions(SuiteIndex.LIVE) : null;
  }

  /** {@code "queued"}, or {@code {$in: [...]}} of such states only: no ended state, no other condition. */
  private static boolean onlyUnfinished(Object condition) {
    if (condition instanceof String state) {
      return !SuiteIndex.ENDED.contains(state);
    }
    if (condition instanceof Document d && d.size() == 1 && d.get("$in") instanceof Collection<?> states && !states.isEmpty()) {
      return states.stream().allMatch(st -> st instanceof String x && !SuiteIndex.ENDED.contains(x));
    }
    return false;
  }

  /** {@code "completed"}, or {@code {$in: [...]}} of ended states only. */
  private static boolean onlyEnded(Object condition) {
    if (condition instanceof String state) {
      return SuiteIndex.ENDED.contains(state);
    }
    if (condition instanceof Document d && d.size() == 1 && d.get("$in") instanceof Collection<?> states && !states.isEmpty()) {
      return states.stream().allMatch(st -> st instanceof String x && SuiteIndex.ENDED.contains(x));
    }
    return false;
  }

  /** Exactly {@code {lastFinishedAt: 1}}: ties in any order, as the ended walk meets them. */
  private static boolean isOldestEndFirst(Document orderBy) {
    return orderBy.size() == 1 && orderBy.get(SuiteIndex.FINISHED) instanceof Number n && n.doubleValue() == 1;
  }

  private static boolean plainValues(Collection<?> values) {
    return !values.isEmpty() && values.size() <= 10_000 && values.stream().allMatch(v -> v instanceof String || v instanceof Number);
  }

  /** Exactly {@code {createdAt: -1, _id: 1}}. */
  private boolean isNewestFirst(Document orderBy) {
    if (orderBy.size() != 2) {
      return false;
    }
    Iterator<String> keys = orderBy.keySet().iterator();
    return SuiteIndex.CREATED.equals(keys.next()) && Objects.equals(getIdField(), keys.next())
        && orderBy.get(SuiteIndex.CREATED) instanceof Number created && created.doubleValue() == -1
        && orderBy.get(getIdField()) instanceof Number id && id.doubleValue() == 1;
  }

  @Override
  protected QueryResult matchDocuments(Document query, Document orderBy, int numberToSkip,
      int numberToReturn, int batchSize, Document fieldSelector) {
    // Natural order is the map's order of ids; descending is the same keys walked backwards.
    return matchDocumentsFromStream(documents.inOrder(isNaturalDescending(orderBy)), query, orderBy, numberToSkip, numberToReturn,
        batchSize, fieldSelector);
  }

  /**
   * The dispatcher's fenced replace (one {@code _id} and more conditions, a whole document) done
   * here: the document read once through the {@code _id} index, matched, replaced and its suite
   * keys moved. The server's general path reads the position twice, copies the document deeply,
   * compares it field by field and checks every index, which on the dispatch path came to a tenth
   * of a node's work. Anything else (operators, several documents, an upsert, a changed
   * {@code _id}, a change stream, a unique index but the {@code _id}'s) takes the server's path,
   * and the answer is the same either way ({@code FencedReplaceTest} holds it to the server's own
   * in-memory backend).
   */
  @Override
  public synchronized Document updateDocuments(Document selector, Document update, ArrayFilters arrayFilters,
      boolean isMulti, boolean isUpsert, Oplog oplog) {
    Document answer = isMulti || isUpsert || !(oplog instanceof NoopOplog) ? null : replaceById(selector, update);
    return answer != null ? answer : super.updateDocuments(selector, update, arrayFilters, isMulti, isUpsert, oplog);
  }

  /** The answer of a plain replace by {@code _id}, or null when the server's path must take it. */
  private Document replaceById(Document selector, Document update) {
    String idField = getIdField();
    Object id = idField == null ? null : selector.get(idField);
    if (!isPlainId(id) || !isReplacement(update) || (update.get(idField) != null && !update.get(idField).equals(id))) {
      return null;
    }
    Index<Object> byId = null;
    for (Index<Object> index : getIndexes()) {
      boolean ours = index.getKeys().size() == 1 && idField.equals(index.getKeys().get(0).getKey());
      if (ours && index.isUnique()) {
        byId = index;
      } else if (!(index instanceof UnbuiltIndex)) {
        return null; // another index to keep: the server's path keeps it
      }
    }
    if (byId == null) {
      return null;
    }
    Document key = new Document(idField, id);
    Iterator<Object> positions = byId.getPositions(key).iterator();
    Object position = positions.hasNext() ? positions.next() : null;
    Document stored = position == null ? null : getDocument(position);
    if (stored == null || !documentMatchesQuery(stored, selector)) {
      return new Document("n", 0).append("nModified", 0);
    }
    if (!id.equals(stored.get(idField))) {
      return null; // found by an equal id of another type (1 and 1L): the server's path decides
    }
    Document replaced = new Document();
    replaced.put(idField, stored.get(idField));
    update.forEach(replaced::put);
    Utils.validateFieldNames(replaced);
    if (replaced.equals(stored)) {
      return new Document("n", 1).append("nModified", 0);
    }
    handleUpdate(position, stored, replaced);
    return new Document("n", 1).append("nModified", 1);
  }

  private static boolean isPlainId(Object id) {
    return id instanceof String || id instanceof ObjectId || id instanceof Integer || id instanceof Long;
  }

  /** A whole document: no update operator among its keys. */
  private static boolean isReplacement(Document update) {
    for (String k : update.keySet()) {
      if (k.startsWith("$")) {
        return false;
      }
    }
    return true;
  }

  @Override
  protected void handleUpdate(Object position, Document oldDocument, Document newDocument) {
    documents.put(Missing.ofNullable(position), newDocument);
    if (suites != null) {
      suites.replaced(position, oldDocument, newDocument);
    }
  }
}
