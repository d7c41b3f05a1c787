package io.tef.protocol.json;

import io.tef.protocol.ValidationException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;

/**
 * The bounds every door puts on a message (configuration {@code limits.*}): its size, how deep
 * it nests, how many keys and elements it holds, how long a key may be, and what a string may
 * contain. One walk checks them all, so REST, AMQP and the event bus refuse the same things
 * with the same words.
 *
 * @param maxBytes     a message's encoded size
 * @param maxDepth     objects and arrays inside one another
 * @param maxMembers   object keys and array elements, counted over the whole message
 * @param maxKeyLength characters in one object key
 */
public record JsonLimits(long maxBytes, int maxDepth, int maxMembers, int maxKeyLength) {

  /** The defaults of {@code tef-defaults.yaml}. */
  public static final JsonLimits DEFAULT = new JsonLimits(1_048_576, 64, 100_000, 1_000);
  /** MongoDB refuses documents nested more than 100 deep, and a task's data sits inside its document. */
  public static final int DEPTH_CEILING = 90;

  /**
   * Checks {@code value} (what {@code field} holds); throws {@link ValidationException} naming the
   * field, or the path inside it, at fault. Answers the value's approximate size as JSON.
   */
  public long check(Object value, String field) {
    Walk walk = new Walk();
    walk.value(value, new Path(null, field, -1), 0);
    if (walk.bytes > maxBytes) {
      throw new ValidationException(413, field, "is about " + walk.bytes + " bytes as JSON; at most " + maxBytes + " are accepted (limits.max_bytes)");
    }
    return walk.bytes;
  }

  /** Whether a string is valid Unicode: no surrogate half without its partner. */
  public static boolean wellFormed(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c)) {
        if (i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1))) {
          return false;
        }
        i++;
      } else if (Character.isLowSurrogate(c)) {
        return false;
      }
    }
    return true;
  }

  /** Where a value sits, rendered only for an error: {@code task_data.items[3].name}. */
  private record Path(Path parent, String key, int index) {
    @Override
    public String toString() {
      String up = parent == null ? null : parent.toString();
      String here = index >= 0 ? "[" + index + "]" : key;
      if (up == null || up.isEmpty()) {
        return here == null ? null : here;
      }
      return index >= 0 ? up + here : up + "." + here;
    }
  }

  /** {@code s} with each surrogate half that lacks its partner replaced by U+FFFD. */
  public static String replaceLoneSurrogates(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        b.append(c).append(s.charAt(++i));
      } else {
        b.append(Character.isSurrogate(c) ? '\uFFFD' : c);
      }
    }
    return b.toString();
  }

  private final class Walk {
    long bytes;
    int members;

    void value(Object v, Path path, int depth) {
      if (v == null || v instanceof Boolean) {
        bytes += 5;
      } else if (v instanceof String s) {
        string(s, path);
      } else if (v instanceof Number n) {
        number(n, path);
      } else if (v instanceof JsonObject o) {
        object(o.getMap(), path, depth + 1);
      } else if (v instanceof Map<?, ?> m) {
        object(m, path, depth + 1);
      } else if (v instanceof JsonArray a) {
        array(a.getList(), path, depth + 1);
      } else if (v instanceof List<?> l) {
        array(l, path, depth + 1);
      } else {
        throw new ValidationException(path.toString(), "holds a value JSON cannot carry (" + v.getClass().getSimpleName() + ")");
      }
    }

    void object(Map<?, ?> map, Path path, int depth) {
      depth(path, depth);
      bytes += 2;
      for (Map.Entry<?, ?> e : map.entrySet()) {
        String key = String.valueOf(e.getKey());
        if (key.length() > maxKeyLength) {
          throw new ValidationException(path.toString(), "has a key of " + key.length() + " characters; at most " + maxKeyLength + " (limits.max_key_length)");
        }
        if (key.indexOf('\u0000') >= 0) {
          throw new ValidationException(path.toString(), "has a key holding the character \\u0000, which no store can keep");
        }
        if (!wellFormed(key)) {
          throw new ValidationException(path.toString(), "has a key holding a lone surrogate (\\ud800-\\udfff without its pair): not valid Unicode");
        }
        count(path);
        bytes += key.length() + 4;
        value(e.getValue(), new Path(path, key, -1), depth);
      }
    }

    void array(List<?> list, Path path, int depth) {
      depth(path, depth);
      bytes += 2;
      for (int i = 0; i < list.size(); i++) {
        count(path);
        bytes += 1;
        value(list.get(i), new Path(path, null, i), depth);
      }
    }

    void string(String s, Path path) {
      bytes += s.length() + 2;
      if (bytes > maxBytes) {
        throw new ValidationException(413, path.toString(), "makes the message larger than " + maxBytes + " bytes (limits.max_bytes)");
      }
      if (!wellFormed(s)) {
        throw new ValidationException(path.toString(), "holds a lone surrogate (\\ud800-\\udfff without its pair): not valid Unicode");
      }
    }

    void number(Number n, Path path) {
      bytes += 8;
      if ((n instanceof Double d && !Double.isFinite(d)) || (n instanceof Float f && !Float.isFinite(f))) {
        throw new ValidationException(path.toString(), "must be a finite number");
      }
      if (n instanceof BigDecimal b && b.precision() > 100 || n instanceof BigInteger i && i.bitLength() > 332) {
        throw new ValidationException(path.toString(), "is a number of more than 100 digits");
      }
    }

    void depth(Path path, int depth) {
      if (depth > maxDepth) {
        throw new ValidationException(path.toString(), "nests objects and arrays more than " + maxDepth + " deep (limits.max_depth)");
      }
    }

    void count(Path path) {
      if (++members > maxMembers) {
        throw new ValidationException(path.toString(), "makes the message hold more than " + maxMembers + " keys and elements (limits.max_members)");
      }
    }
  }
}
