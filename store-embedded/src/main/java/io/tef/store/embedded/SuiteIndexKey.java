package io.tef.store.embedded;

import de.bwaldvogel.mongo.backend.ValueComparator;

/**
 * One document's key in the suite index: its suite, its {@code createdAt} and its position (the
 * {@code _id}). Keys order by suite, then {@code createdAt} ascending, then {@code _id}
 * descending, so a suite's keys walked backwards come exactly in the order of the sort
 * {@code {createdAt: -1, _id: 1}}: newest first, ties on {@code createdAt} by {@code _id}
 * ascending. Values compare as the server's sort compares them; ids equal to that sort (1 and
 * 1L) fall back to the store's own order of ids, which is the order a scan meets them in.
 */
record SuiteIndexKey(String suite, Object createdAt, Object position) {

  /** Ends of one suite's keys, below and above every {@code createdAt}; only ever searched for. */
  private enum Bound { FIRST, LAST }

  static SuiteIndexKey first(String suite) {
    return new SuiteIndexKey(suite, Bound.FIRST, null);
  }

  static SuiteIndexKey last(String suite) {
    return new SuiteIndexKey(suite, Bound.LAST, null);
  }

  static int compare(SuiteIndexKey a, SuiteIndexKey b) {
    int c = a.suite.compareTo(b.suite);
    if (c != 0) {
      return c;
    }
    c = compareCreated(a.createdAt, b.createdAt);
    if (c != 0 || a.createdAt instanceof Bound) {
      return c;
    }
    if (a.position instanceof String x && b.position instanceof String y) {
      return y.compareTo(x); // what the server's comparator does for two strings, without its type ranking
    }
    if (a.position instanceof de.bwaldvogel.mongo.bson.ObjectId x && b.position instanceof de.bwaldvogel.mongo.bson.ObjectId y) {
      return y.compareTo(x); // the same for two ObjectIds (task ids)
    }
    c = ValueComparator.asc().compare(b.position, a.position);
    return c != 0 ? c : BsonValues.compare(b.position, a.position);
  }

  /** Two values of the key's second part as the server's sort compares them (bounds aside). */
  static int compareCreated(Object a, Object b) {
    if (a instanceof Bound || b instanceof Bound) {
      return Integer.compare(rank(a), rank(b));
    }
    if (a instanceof java.time.Instant x && b instanceof java.time.Instant y) {
      return x.compareTo(y); // as the server's comparator orders two dates, without its type ranking
    }
    return ValueComparator.asc().compare(a, b);
  }

  private static int rank(Object createdAt) {
    return createdAt == Bound.FIRST ? -1 : createdAt == Bound.LAST ? 1 : 0;
  }
}
