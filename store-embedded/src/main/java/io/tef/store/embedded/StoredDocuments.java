package io.tef.store.embedded;

import de.bwaldvogel.mongo.backend.DocumentWithPosition;
import de.bwaldvogel.mongo.bson.Document;
import org.h2.mvstore.Cursor;
import org.h2.mvstore.MVMap;

import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * A collection's documents in the store file: BSON bytes by position, and the data size kept in
 * its counters map as bytes are written and removed (the server would encode every document again
 * only to measure it). Each read decodes a fresh copy, so the server's changes in place stay away
 * from the file until it writes them.
 */
final class StoredDocuments {

  private static final String DATA_SIZE_KEY = "dataSize";

  private final MVMap<Object, byte[]> map;
  private final MVMap<String, Object> counters;

  StoredDocuments(MVMap<Object, byte[]> map, MVMap<String, Object> counters) {
    this.map = map;
    this.counters = counters;
    counters.putIfAbsent(DATA_SIZE_KEY, 0L);
  }

  MVMap<Object, byte[]> map() {
    return map;
  }

  void addToSize(int delta) {
    synchronized (counters) {
      long size = ((Number) counters.get(DATA_SIZE_KEY)).longValue();
      counters.put(DATA_SIZE_KEY, size + delta);
    }
  }

  int size() {
    return ((Number) counters.get(DATA_SIZE_KEY)).intValue();
  }

  int count() {
    return map.size();
  }

  boolean isEmpty() {
    return map.isEmpty();
  }

  Document get(Object position) {
    byte[] bytes = map.get(position);
    return bytes == null ? null : BsonValues.decodeDocument(bytes);
  }

  /** Stores a new document; false (nothing written) if one is at that position already. */
  boolean add(Object position, Document document) {
    byte[] bytes = BsonValues.encodeDocument(document);
    if (map.putIfAbsent(position, bytes) != null) {
      return false;
    }
    addToSize(bytes.length);
    return true;
  }

  /** Replaces (or puts) the document at a position. */
  void put(Object position, Document document) {
    byte[] bytes = BsonValues.encodeDocument(document);
    byte[] previous = map.put(position, bytes);
    addToSize(bytes.length - (previous == null ? 0 : previous.length));
  }

  /** Removes the document at a position and answers it as it was. */
  Document remove(Object position) {
    byte[] removed = map.remove(position);
    if (removed == null) {
      throw new NoSuchElementException("No document with key " + position);
    }
    addToSize(-removed.length);
    return BsonValues.decodeDocument(removed);
  }

  Stream<DocumentWithPosition<Object>> withPositions() {
    return map.entrySet().stream().map(e -> new DocumentWithPosition<>(BsonValues.decodeDocument(e.getValue()), e.getKey()));
  }

  /** Every document in position order, or backwards. */
  Stream<Document> inOrder(boolean descending) {
    Cursor<Object, byte[]> cursor = map.cursor(null, null, descending);
    return StreamSupport.stream(Spliterators.spliteratorUnknownSize(cursor, Spliterator.ORDERED), false)
        .map(position -> BsonValues.decodeDocument(cursor.getValue()));
  }
}
