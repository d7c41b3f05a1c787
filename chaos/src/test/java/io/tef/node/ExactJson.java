package io.tef.node;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;

import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * JSON as the suite compares it: numbers by exact value (never through a double), strings char
 * for char (lone surrogates included), objects by their keys whatever the order. The test side's
 * own limits are lifted, so a deep or long value is judged by what the node did with it.
 */
final class ExactJson {

  /** A number as written: its exact value, and whether it was written as a whole number. */
  record Num(BigDecimal value, boolean integral, String text) {
  }

  /** JSON null (a map value may not be Java null). */
  static final Object NULL = new Object() {
    @Override
    public String toString() {
      return "null";
    }
  };

  private static final JsonFactory FACTORY = JsonFactory.builder()
      .streamReadConstraints(StreamReadConstraints.builder()
          .maxNestingDepth(1_000_000).maxNumberLength(10_000_000).maxStringLength(Integer.MAX_VALUE).build())
      .build();

  private ExactJson() {
  }

  /** Runs the work on a thread with a deep stack: values thousands deep are walked by recursion. */
  static <T> T onBigStack(java.util.concurrent.Callable<T> work) throws Exception {
    java.util.concurrent.CompletableFuture<T> out = new java.util.concurrent.CompletableFuture<>();
    Thread t = new Thread(null, () -> {
      try {
        out.complete(work.call());
      } catch (Throwable e) {
        out.completeExceptionally(e);
      }
    }, "exact-json", 512L << 20);
    t.start();
    try {
      return out.get();
    } catch (java.util.concurrent.ExecutionException e) {
      throw e.getCause() instanceof Exception x ? x : new IllegalStateException(e.getCause());
    }
  }

  /** Parses one JSON value; throws on anything that is not exactly one value. */
  static Object parse(String text) throws IOException {
    try (JsonParser p = FACTORY.createParser(text)) {
      p.nextToken();
      Object v = read(p);
      if (p.nextToken() != null) {
        throw new IOException("more than one value");
      }
      return v;
    }
  }

  /** The value, or null when it does not parse. */
  static Object tryParse(String text) {
    try {
      return parse(text);
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** True when the text is one JSON object in which some object repeats a key (which one counts is unclear). */
  static boolean hasDuplicateKeys(String text) {
    try (JsonParser p = FACTORY.createParser(text)) {
      p.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
      while (p.nextToken() != null) {
        // walk
      }
      return false;
    } catch (IOException e) {
      return e.getMessage() != null && e.getMessage().contains("Duplicate field");
    }
  }

  private static Object read(JsonParser p) throws IOException {
    JsonToken t = p.currentToken();
    if (t == null) {
      throw new IOException("no value");
    }
    switch (t) {
      case START_OBJECT: {
        Map<String, Object> m = new LinkedHashMap<>();
        while (p.nextToken() != JsonToken.END_OBJECT) {
          String key = p.currentName();
          p.nextToken();
          m.put(key, read(p));
        }
        return m;
      }
      case START_ARRAY: {
        List<Object> l = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
          l.add(read(p));
        }
        return l;
      }
      case VALUE_STRING:
        return p.getText();
      case VALUE_NUMBER_INT:
        return new Num(new BigDecimal(p.getText()), true, p.getText());
      case VALUE_NUMBER_FLOAT:
        return new Num(new BigDecimal(p.getText()), false, p.getText());
      case VALUE_TRUE:
        return Boolean.TRUE;
      case VALUE_FALSE:
        return Boolean.FALSE;
      case VALUE_NULL:
        return NULL;
      default:
        throw new IOException("unexpected " + t);
    }
  }

  /** How a value came back changed: where, a kind that groups alike changes, and the values. */
  record Diff(String where, String kind, String detail) {
    @Override
    public String toString() {
      return where + ": " + detail;
    }
  }

  /** Null when equal; else the first difference found. */
  static Diff diff(Object sent, Object got) {
    return diff("$", sent, got);
  }

  @SuppressWarnings("unchecked")
  private static Diff diff(String at, Object a, Object b) {
    if (a instanceof Map && b instanceof Map) {
      Map<String, Object> ma = (Map<String, Object>) a;
      Map<String, Object> mb = (Map<String, Object>) b;
      for (String k : ma.keySet()) {
        if (!mb.containsKey(k)) {
          return new Diff(at, "key " + keyKind(k) + " lost or renamed", "key " + Printable.of(k, 40) + " lost; keys now " + Printable.of(String.valueOf(mb.keySet()), 80));
        }
      }
      for (String k : mb.keySet()) {
        if (!ma.containsKey(k)) {
          return new Diff(at, "key added", "key " + Printable.of(k, 40) + " added");
        }
      }
      for (String k : ma.keySet()) {
        Diff d = diff(at + "." + Printable.of(k, 20), ma.get(k), mb.get(k));
        if (d != null) {
          return d;
        }
      }
      return null;
    }
    if (a instanceof List && b instanceof List) {
      List<Object> la = (List<Object>) a;
      List<Object> lb = (List<Object>) b;
      if (la.size() != lb.size()) {
        return new Diff(at, "array length changed", "array of " + la.size() + " became " + lb.size());
      }
      for (int i = 0; i < la.size(); i++) {
        Diff d = diff(at + "[" + i + "]", la.get(i), lb.get(i));
        if (d != null) {
          return d;
        }
      }
      return null;
    }
    String detail = kind(a) + " " + Printable.of(describe(a), 60) + " became " + kind(b) + " " + Printable.of(describe(b), 60);
    if (a instanceof Num na && b instanceof Num nb) {
      if (na.value().compareTo(nb.value()) != 0) {
        return new Diff(at, numberKind(na), detail);
      }
      if (na.integral() != nb.integral()) {
        return new Diff(at, "number form changed (whole vs decimal)", detail);
      }
      return null;
    }
    if (Objects.equals(a, b)) {
      return null;
    }
    if (a instanceof String sa && b instanceof String) {
      return new Diff(at, "string " + stringKind(sa) + " changed", detail);
    }
    if (a instanceof Num na) {
      return new Diff(at, numberKind(na) + ": became " + kind(b), detail);
    }
    return new Diff(at, kind(a) + " became " + kind(b), detail);
  }

  private static String keyKind(String k) {
    if (k.startsWith("$")) {
      return "starting with $";
    }
    if (k.contains(".")) {
      return "with a dot";
    }
    if (k.chars().anyMatch(c -> c < 0x20)) {
      return "with a control character";
    }
    if (k.chars().anyMatch(c -> Character.isSurrogate((char) c))) {
      return "with a surrogate";
    }
    return "(plain)";
  }

  private static String stringKind(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return "with a lone surrogate";
      }
    }
    if (s.indexOf('\u0000') >= 0) {
      return "with NUL";
    }
    if (s.chars().anyMatch(c -> c < 0x20)) {
      return "with a control character";
    }
    return "(plain)";
  }

  private static String numberKind(Num n) {
    BigDecimal v = n.value();
    if (n.integral()) {
      return v.abs().compareTo(new BigDecimal(Long.MAX_VALUE)) > 0 ? "whole number beyond 64 bits changed" : "whole number changed";
    }
    double d = v.doubleValue();
    if (Double.isInfinite(d)) {
      return "number beyond the double range changed";
    }
    if (d == 0 && v.signum() != 0) {
      return "number below the double range changed";
    }
    if (v.stripTrailingZeros().precision() > 17) {
      return "decimal of more than 17 digits changed";
    }
    return "number changed";
  }

  static String kind(Object v) {
    if (v instanceof Map) {
      return "object";
    }
    if (v instanceof List) {
      return "array";
    }
    if (v instanceof String) {
      return "string";
    }
    if (v instanceof Num) {
      return "number";
    }
    if (v instanceof Boolean) {
      return "boolean";
    }
    return "null";
  }

  private static String describe(Object v) {
    if (v instanceof String s) {
      return "\"" + s + "\"";
    }
    if (v instanceof Num n) {
      return n.text();
    }
    return String.valueOf(v);
  }
}
