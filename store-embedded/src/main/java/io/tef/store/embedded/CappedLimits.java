package io.tef.store.embedded;

import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.exception.MongoServerError;

/**
 * The bounds of a capped collection as {@code create} names them: {@code size} in bytes (rounded
 * up to 256, as MongoDB does) and at most {@code max} documents (0: no count bound). Kept in the
 * store file as {@code "size,max"}, so a capped collection stays capped after a restart.
 */
record CappedLimits(long size, long max) {

  private static final long GRANULARITY = 256;
  /** MongoDB's code for a bad value in a command. */
  private static final int BAD_VALUE = 2;

  /** The limits of a {@code create} command with {@code capped: true}; an error naming the field otherwise. */
  static CappedLimits of(Document create) {
    long size = whole(create.get("size"), "size", true);
    if (size <= 0) {
      throw new MongoServerError(BAD_VALUE, "BadValue", "a capped collection needs 'size', a positive number of bytes");
    }
    long max = whole(create.get("max"), "max", false);
    if (max < 0) {
      throw new MongoServerError(BAD_VALUE, "BadValue", "'max' of a capped collection must be 0 or more documents, got " + max);
    }
    return new CappedLimits((size + GRANULARITY - 1) / GRANULARITY * GRANULARITY, max);
  }

  private static long whole(Object value, String field, boolean required) {
    if (value == null) {
      if (required) {
        throw new MongoServerError(BAD_VALUE, "BadValue", "a capped collection needs '" + field + "', a positive number of bytes");
      }
      return 0;
    }
    if (!(value instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())) {
      throw new MongoServerError(BAD_VALUE, "BadValue", "'" + field + "' of a capped collection must be a whole number, got " + value);
    }
    return n.longValue();
  }

  /** Whether a collection of {@code count} documents and {@code bytes} must drop its oldest. */
  boolean exceededBy(long count, long bytes) {
    return count > 1 && (max > 0 && count > max || bytes > size);
  }

  /** The {@code options} listCollections shows. */
  Document options() {
    Document d = new Document("capped", true).append("size", size);
    if (max > 0) {
      d.append("max", max);
    }
    return d;
  }

  String stored() {
    return size + "," + max;
  }

  static CappedLimits parse(String stored) {
    String[] parts = stored.split(",");
    return new CappedLimits(Long.parseLong(parts[0]), Long.parseLong(parts[1]));
  }
}
