package io.tef.store.embedded;

import de.bwaldvogel.mongo.backend.EmptyIndex;
import de.bwaldvogel.mongo.backend.IndexKey;

import java.util.List;

/**
 * A secondary (non-unique) index the server keeps by name only: it answers no query (the
 * embedded store scans, or uses its suite index) and holds nothing. The server's own stand-in
 * says it is empty, and the server fills an empty index by reading every document of its
 * collection, twice, whenever it opens the file: for a million tasks and the five indexes
 * TEF declares, most of a minute at each start for an index that keeps nothing. This one says
 * there is nothing to fill.
 */
final class UnbuiltIndex<P> extends EmptyIndex<P> {

  UnbuiltIndex(String name, List<IndexKey> keys) {
    super(name, keys);
  }

  @Override
  public boolean isEmpty() {
    return false;
  }
}
