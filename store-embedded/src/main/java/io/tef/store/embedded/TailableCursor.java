package io.tef.store.embedded;

import de.bwaldvogel.mongo.backend.AbstractCursor;
import de.bwaldvogel.mongo.backend.DefaultQueryMatcher;
import de.bwaldvogel.mongo.backend.QueryMatcher;
import de.bwaldvogel.mongo.bson.Document;

import java.util.List;

/**
 * A tailable cursor on a capped collection ({@code find} with {@code tailable: true}): it stays
 * open when it has read everything, and each {@code getMore} answers the matching documents that
 * arrived after the last one it gave. With {@code awaitData}, a {@code getMore} that would answer
 * nothing waits for the next insert ({@link TailWaits}) instead of answering at once.
 */
final class TailableCursor extends AbstractCursor {

  private final CappedH2Collection collection;
  private final Document filter;
  private final boolean awaitData;
  private final QueryMatcher matcher = new DefaultQueryMatcher();
  /** The arrival number of the last document given (0: none yet). */
  private long after;
  private volatile long lastUsedNanos = System.nanoTime();

  TailableCursor(long id, CappedH2Collection collection, Document filter, boolean awaitData) {
    super(id);
    this.collection = collection;
    this.filter = filter == null ? new Document() : filter;
    this.awaitData = awaitData;
  }

  /** Open while its collection exists: a tailable cursor is never used up. */
  @Override
  public boolean isEmpty() {
    return collection.dropped();
  }

  @Override
  public synchronized List<Document> takeDocuments(int numberToReturn) {
    lastUsedNanos = System.nanoTime();
    CappedH2Collection.Batch batch = collection.after(after, filter, matcher, numberToReturn <= 0 ? Integer.MAX_VALUE : numberToReturn);
    after = batch.last();
    return batch.documents();
  }

  boolean awaitsData() {
    return awaitData;
  }

  /** Whether a {@code getMore} would find something: a document after the last one given (matching or not). */
  synchronized boolean hasNews() {
    return collection.dropped() || collection.lastPosition() > after;
  }

  /** Unused for longer than {@code ms} (a reader that went away without closing it). */
  boolean idleFor(long ms) {
    return System.nanoTime() - lastUsedNanos > ms * 1_000_000;
  }

  CappedH2Collection collection() {
    return collection;
  }
}
