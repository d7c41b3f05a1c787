package io.tef.core.json;

import io.tef.protocol.json.ExactValues;
import io.tef.protocol.json.JsonLimits;

import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.Map;

/**
 * Keeps a client's opaque JSON (a task's data, a worker's result) in a store document so that it
 * comes back equal as JSON. The MongoDB codec reads keys such as {@code $date}, {@code $oid} or
 * {@code $numberDecimal} as typed values, refuses keys with dots in older servers and numbers
 * beyond 64 bits: a value holding any of those is kept as its JSON text in
 * {@code <field>Json} instead, and every other value as it is, where Agenda's tools see it.
 */
public final class StoredJson {

  /** Puts {@code value} under {@code field}, or its text under {@code field + "Json"}; null puts nothing. */
  public static void put(JsonObject doc, String field, Object value) {
    if (value == null) {
      return;
    }
    if (storable(value, 0)) {
      doc.put(field, value);
    } else {
      doc.put(field + "Json", Json.encode(value));
    }
  }

  /** The value {@link #put} kept. */
  public static Object get(JsonObject doc, String field) {
    Object text = doc.getValue(field + "Json");
    if (text instanceof String s) {
      return ExactValues.parse(s); // Vert.x's decoder would read 1e400 as Infinity, 23 digits as 17
    }
    return doc.getValue(field);
  }

  /** Whether the store's codec keeps this value as it is. */
  static boolean storable(Object v, int depth) {
    if (v == null || v instanceof String || v instanceof Boolean || v instanceof Integer || v instanceof Long) {
      return true;
    }
    if (v instanceof Double d) {
      return Double.isFinite(d);
    }
    if (v instanceof JsonObject o) {
      return storableMap(o.getMap(), depth);
    }
    if (v instanceof Map<?, ?> m) {
      return storableMap(m, depth);
    }
    if (v instanceof JsonArray a) {
      return storableList(a.getList(), depth);
    }
    if (v instanceof List<?> l) {
      return storableList(l, depth);
    }
    return false; // BigInteger, BigDecimal, Float, Short, binary: the codec changes or refuses them
  }

  private static boolean storableMap(Map<?, ?> m, int depth) {
    if (depth > JsonLimits.DEPTH_CEILING) {
      return false;
    }
    for (Map.Entry<?, ?> e : m.entrySet()) {
      String key = String.valueOf(e.getKey());
      if (key.startsWith("$") || key.indexOf('.') >= 0 || key.indexOf('\u0000') >= 0 || !storable(e.getValue(), depth + 1)) {
        return false;
      }
    }
    return true;
  }

  private static boolean storableList(List<?> l, int depth) {
    if (depth > JsonLimits.DEPTH_CEILING) {
      return false;
    }
    for (Object item : l) {
      if (!storable(item, depth + 1)) {
        return false;
      }
    }
    return true;
  }

  private StoredJson() {
  }
}
