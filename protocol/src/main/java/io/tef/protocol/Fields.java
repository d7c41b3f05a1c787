package io.tef.protocol;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;

/** Reading fields of inbound messages, failing with the field's name. */
public final class Fields {

  public static JsonObject object(Object body) {
    if (body instanceof JsonObject o) {
      return o;
    }
    throw new ValidationException(null, "the message must be a JSON object");
  }

  public static String requireString(JsonObject json, String field) {
    String s = optionalString(json, field);
    if (s == null || s.isBlank()) {
      throw new ValidationException(field, "is required");
    }
    return s;
  }

  public static String optionalString(JsonObject json, String field) {
    Object v = json.getValue(field);
    if (v == null) {
      return null;
    }
    if (!(v instanceof String s)) {
      throw new ValidationException(field, "must be a string");
    }
    return s;
  }

  public static int requireInt(JsonObject json, String field) {
    Object v = json.getValue(field);
    if (!(v instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())
        || n.doubleValue() > Integer.MAX_VALUE || n.doubleValue() < Integer.MIN_VALUE) {
      throw new ValidationException(field, v == null ? "is required" : "must be a whole number of at most 10 digits");
    }
    return n.intValue();
  }

  /** An object field, or null when absent; anything else is refused naming the field. */
  public static JsonObject optionalObject(JsonObject json, String field) {
    Object v = json.getValue(field);
    if (v == null || v instanceof JsonObject) {
      return (JsonObject) v;
    }
    throw new ValidationException(field, "must be a JSON object");
  }

  public static List<String> stringList(JsonObject json, String field) {
    Object v = json.getValue(field);
    if (v == null) {
      return List.of();
    }
    if (!(v instanceof JsonArray a)) {
      throw new ValidationException(field, "must be a list of strings");
    }
    List<String> out = new ArrayList<>();
    for (Object o : a) {
      if (!(o instanceof String s) || s.isBlank()) {
        throw new ValidationException(field, "must be a list of non-empty strings");
      }
      out.add(s);
    }
    return List.copyOf(out);
  }

  private Fields() {
  }
}
