package io.tef.core.store.mongo;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Vert.x JSON to the plain trees a {@link io.tef.core.store.local.LocalStore} takes, and back; every other value passes as it is. */
final class LocalDocuments {

  static Map<String, Object> tree(JsonObject o) {
    Map<String, Object> out = new LinkedHashMap<>(Math.max(4, o.size() * 2));
    for (Map.Entry<String, Object> e : o.getMap().entrySet()) {
      out.put(e.getKey(), tree(e.getValue()));
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  private static Object tree(Object v) {
    if (v instanceof JsonObject o) {
      return tree(o);
    }
    if (v instanceof JsonArray a) {
      List<Object> out = new ArrayList<>(a.size());
      a.forEach(x -> out.add(tree(x)));
      return out;
    }
    if (v instanceof Map<?, ?> m) {
      return tree(new JsonObject((Map<String, Object>) m));
    }
    if (v instanceof List<?> l) {
      return tree(new JsonArray(l));
    }
    return v;
  }

  /** A reply or a stored document as JSON; nested maps and lists become JsonObject and JsonArray. */
  @SuppressWarnings("unchecked")
  static JsonObject json(Map<String, Object> m) {
    JsonObject out = new JsonObject(new LinkedHashMap<>(Math.max(4, m.size() * 2)));
    for (Map.Entry<String, Object> e : m.entrySet()) {
      out.put(e.getKey(), json(e.getValue()));
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  private static Object json(Object v) {
    if (v instanceof Map<?, ?> m) {
      return json((Map<String, Object>) m);
    }
    if (v instanceof List<?> l) {
      JsonArray out = new JsonArray(new ArrayList<>(l.size()));
      l.forEach(x -> out.add(json(x)));
      return out;
    }
    return v;
  }

  private LocalDocuments() {
  }
}
