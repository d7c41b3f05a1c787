package io.tef.node;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The generated inputs, as jqwik arbitraries: JSON values as text (so a lone surrogate, a number no
 * double holds or a 3,000-deep array goes on the wire as written), task envelopes made from a valid
 * one by mutating its fields, and raw malformed bodies.
 */
final class Gen {

  private static final AtomicLong SEQ = new AtomicLong();

  private Gen() {
  }

  /** Seeds jqwik's randomness for this thread: the same seed gives the same inputs. */
  static void seed(long seed) {
    net.jqwik.engine.SourceOfRandomness.create(Long.toString(seed));
  }

  /** A stream of samples of an arbitrary, drawn from the seeded randomness of this thread. */
  static <T> Iterator<T> stream(Arbitrary<T> a) {
    return a.sampleStream().iterator();
  }

  static long seq() {
    return SEQ.incrementAndGet();
  }

  // ---- strings ----

  static final List<String> ODD_STRINGS = List.of(
      "", " ", "\u0000", "a\u0000b", "\r\n", "a\r\nb", "\t", "\u001b[31m", "\u007f", "\uD800", "\uDFFF", "a\uD800b", "\uDC00\uD800",
      "\uDBFF\uDFFF", "\uD83D\uDE00", "\uFEFF", "\u2028", "\u2029", "\uFFFF", "\uFFFE", "\\", "\"", "/", "//", "%00", "%zz", "%2F",
      "%2e%2e", ".", "..", "../..", "$", "$date", "$where", "{}", "[]", "null", "true", "NaN", "Infinity", "-Infinity", "1e999",
      "9223372036854775808", "'; drop table tasks; --", "${jndi:ldap://127.0.0.1/x}", "<script>alert(1)</script>", "%s%s%n",
      "e\u0301", "\u202Eevil", "İ", "ǅ", "ß", "\u0130\u0131", "a b", "a?b", "a#b", "a&b=c", "a+b", "*", "**", "?", "single:fz", "unique:fz");

  static Arbitrary<String> oddString() {
    return Arbitraries.frequencyOf(
        Tuple.of(4, Arbitraries.of(ODD_STRINGS)),
        Tuple.of(3, Arbitraries.strings().withCharRange(' ', '~').ofMaxLength(24)),
        Tuple.of(3, Arbitraries.strings().all().ofMaxLength(12)),
        Tuple.of(1, Arbitraries.strings().withCharRange('\u0000', '\u001f').ofMinLength(1).ofMaxLength(4)),
        Tuple.of(1, Arbitraries.strings().withCharRange('\uD800', '\uDFFF').ofMinLength(1).ofMaxLength(3)),
        Tuple.of(1, Arbitraries.integers().between(200, 70_000).map(n -> "x".repeat(n))));
  }

  /** A Java string as a JSON string literal: lone surrogates and control characters escaped, the rest as is. */
  static String quote(String s) {
    StringBuilder b = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\') {
        b.append('\\').append(c);
      } else if (c < 0x20 || c == 0x7f) {
        b.append(String.format("\\u%04x", (int) c));
      } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        b.append(c).append(s.charAt(++i));
      } else if (Character.isSurrogate(c)) {
        b.append(String.format("\\u%04X", (int) c));
      } else {
        b.append(c);
      }
    }
    return b.append('"').toString();
  }

  // ---- numbers ----

  static final List<String> ODD_NUMBERS = List.of(
      "0", "-0", "0.0", "-0.0", "1", "-1", "1.0", "1e2", "1E+2", "1e-2", "2147483647", "2147483648", "-2147483649",
      "9007199254740993", "9223372036854775807", "9223372036854775808", "-9223372036854775808", "-9223372036854775809",
      "18446744073709551616", "1e308", "1.7976931348623157e308", "1e309", "-1e309", "4.9e-324", "1e-400", "0.1",
      "0.30000000000000004", "1.2345678901234567890123", "3.141592653589793238462643383279", "123456789012345678901234567890",
      "1" + "0".repeat(400), "1e1000000", "-1e-1000000", "12345678901234567890.5", "1.0e0", "100e-2");

  static Arbitrary<String> number() {
    return Arbitraries.frequencyOf(
        Tuple.of(4, Arbitraries.of(ODD_NUMBERS)),
        Tuple.of(2, Arbitraries.integers().map(String::valueOf)),
        Tuple.of(2, Arbitraries.longs().map(String::valueOf)),
        Tuple.of(1, Arbitraries.bigIntegers().between(new java.math.BigInteger("-1" + "0".repeat(40)), new java.math.BigInteger("1" + "0".repeat(40))).map(String::valueOf)),
        Tuple.of(2, Arbitraries.doubles().map(d -> Double.isFinite(d) ? String.valueOf(d) : "1e400")),
        Tuple.of(1, Arbitraries.bigDecimals().between(new java.math.BigDecimal("-1e12"), new java.math.BigDecimal("1e12")).ofScale(25).map(java.math.BigDecimal::toPlainString)));
  }

  // ---- JSON values ----

  static final List<String> EXTENDED_KEYS = List.of("$date", "$numberLong", "$numberInt", "$numberDouble", "$numberDecimal", "$oid",
      "$binary", "$regex", "$options", "$timestamp", "$undefined", "$minKey", "$maxKey", "$symbol", "$code", "$scope", "$dbPointer",
      "$ref", "$id", "$db", "$uuid", "$where", "$gt", "$set", "$", "$$", "$type");

  static Arbitrary<String> key() {
    return Arbitraries.frequencyOf(
        Tuple.of(4, Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(8)),
        Tuple.of(2, Arbitraries.of(EXTENDED_KEYS)),
        Tuple.of(1, Arbitraries.strings().withCharRange('a', 'z').ofMaxLength(4).map(s -> "$" + s)),
        Tuple.of(1, Arbitraries.of("", "_id", "a.b", ".", "..", "\u0000", "a\u0000b", "\uD800", " ", "__proto__", "constructor", "task_data")),
        Tuple.of(1, oddString()));
  }

  static Arbitrary<String> leaf() {
    return Arbitraries.frequencyOf(
        Tuple.of(3, oddString().map(Gen::quote)),
        Tuple.of(3, number()),
        Tuple.of(1, Arbitraries.of("true", "false", "null")));
  }

  /** {"$date": garbage} and friends: MongoDB extended JSON shapes with values that may or may not fit them. */
  static Arbitrary<String> extendedJson(Arbitrary<String> inner) {
    return Combinators.combine(Arbitraries.of(EXTENDED_KEYS), Arbitraries.frequencyOf(Tuple.of(2, leaf()), Tuple.of(1, inner),
            Tuple.of(1, Arbitraries.of("\"garbage\"", "\"2030-01-01T00:00:00Z\"", "{\"$numberLong\":\"5\"}", "\"zz\"",
                "{\"base64\":\"!!\",\"subType\":\"zz\"}", "{\"t\":1,\"i\":1}", "\"[\"", "-1", "\"5\""))),
            Arbitraries.integers().between(0, 2))
        .as((k, v, extra) -> extra == 0 ? "{" + quote(k) + ":" + v + "}"
            : extra == 1 ? "{" + quote(k) + ":" + v + "," + quote("$options") + ":\"q\"}"
            : "{\"x\":{" + quote(k) + ":" + v + "}}");
  }

  static Arbitrary<String> container(Arbitrary<String> inner) {
    return Arbitraries.frequencyOf(
        Tuple.of(3, inner.list().ofMaxSize(5).map(l -> "[" + String.join(",", l) + "]")),
        Tuple.of(3, Arbitraries.maps(key(), inner).ofMaxSize(5).map(Gen::object)),
        Tuple.of(2, extendedJson(inner)));
  }

  /** Nested arrays or objects 20 to 3,000 deep. */
  static Arbitrary<String> deep() {
    return Combinators.combine(Arbitraries.integers().between(20, 3000), Arbitraries.of(true, false), leaf())
        .as((depth, arrays, inside) -> arrays ? "[".repeat(depth) + inside + "]".repeat(depth)
            : "{\"a\":".repeat(depth) + inside + "}".repeat(depth));
  }

  /** Any JSON value as text. */
  static Arbitrary<String> json() {
    return Arbitraries.frequencyOf(
        Tuple.of(8, Arbitraries.recursive(Gen::leaf, Gen::container, 0, 4)),
        Tuple.of(1, deep()));
  }

  static String object(Map<String, String> fields) {
    StringBuilder b = new StringBuilder("{");
    fields.forEach((k, v) -> {
      if (b.length() > 1) {
        b.append(',');
      }
      b.append(quote(k)).append(':').append(v);
    });
    return b.append('}').toString();
  }

  // ---- task envelopes ----

  /** A task envelope as field name -> value text, in the order written; {@link #text} renders it. */
  record Envelope(LinkedHashMap<String, String> fields, String duplicate, String note) {

    String text() {
      String body = object(fields);
      if (duplicate != null) {
        body = body.substring(0, body.length() - 1) + (fields.isEmpty() ? "" : ",") + quote(duplicate) + ":" + fields.getOrDefault(duplicate, "1") + "}";
      }
      return body;
    }

    /** The task_data text sent, or null when the envelope has none or repeats a key. */
    String taskData() {
      return duplicate == null ? fields.get("task_data") : null;
    }

    /** The guid sent, when it is a JSON string. */
    String guid() {
      String g = fields.get("guid");
      if (g == null || !g.startsWith("\"")) {
        return null;
      }
      Object v = ExactJson.tryParse(g);
      return v instanceof String s ? s : null;
    }

    Envelope with(String field, String valueText) {
      LinkedHashMap<String, String> f = new LinkedHashMap<>(fields);
      f.put(field, valueText);
      return new Envelope(f, duplicate, note);
    }
  }

  static final List<String> RUN_AT = List.of("\"now\"", "\"\"", "\"in 5 minutes\"", "\"in 0 seconds\"", "\"in -5 minutes\"",
      "\"in 1000000000000 days\"", "\"in 9223372036854775807 seconds\"", "\"in 5 fortnights\"", "\"in 1.5 hours\"", "\"2030-01-01T09:00:00Z\"",
      "\"+999999999-12-31T23:59:59Z\"", "\"-999999999-01-01T00:00:00Z\"", "\"1970-01-01T00:00:00Z\"", "\"0000-01-01T00:00:00Z\"",
      "\"2030-02-30T00:00:00Z\"", "\"2030-01-01\"", "\"2030-01-01T09:00:00+25:00\"", "\"yesterday\"", "12345", "null", "{}");
  static final List<String> REPEAT_EVERY = List.of("\"5 minutes\"", "\"every 2 hours\"", "\"90s\"", "\"0s\"", "\"1s\"", "\"0.5s\"",
      "\"-1 minutes\"", "\"1000000000000 days\"", "\"9223372036854775807 ms\"", "\"9223372036854775807 weeks\"", "\"every\"", "\"\"",
      "\"0 9 * * 1-5\"", "\"0 0 30 2 *\"", "\"0 0 31 4 *\"", "\"0 0 31 2 *\"", "\"* * * * *\"", "\"* * * * * *\"", "\"* * * * * * *\"",
      "\"60 * * * *\"", "\"*/0 * * * *\"", "\"0 0 29 2 *\"", "\"0 0 29 2 1\"", "\"@yearly\"", "\"@reboot\"", "\"L * * * *\"",
      "\"0 0 L 2 *\"", "\"0 0 ? * 8\"", "\"0 0 1 1 * 2099\"", "\"59 59 23 31 12 ?\"", "5", "null", "[]");
  static final List<String> WHOLE = List.of("0", "-1", "1", "1.5", "1e9", "2147483648", "9223372036854775807", "9223372036854775808",
      "-9223372036854775809", "1e400", "\"60\"", "\"high\"", "null", "true", "[]", "{}");

  static Arbitrary<String> fieldValue(String field) {
    Arbitrary<String> any = json();
    Arbitrary<String> special = switch (field) {
      case "priority", "time_limit", "max_attempts" -> Arbitraries.of(WHOLE);
      case "run_at" -> Arbitraries.of(RUN_AT);
      case "repeat_every" -> Arbitraries.of(REPEAT_EVERY);
      case "repeat_timezone" -> Arbitraries.of("\"Europe/Paris\"", "\"UTC\"", "\"Mars/Olympus\"", "\"\"", "\"+25:00\"", "\"GMT+99\"", "\"Z\"", "5");
      case "resources" -> Arbitraries.of("\"db|printer\"", "\"|\"", "\"||||\"", "\"a|a\"", "\"" + "r".repeat(300) + "\"", "[\"a\",\"b\"]", "[1]",
          "[[]]", "[\"\"]", "\"\"", "5", "{}", "[\"a|b\"]");
      case "type" -> Arbitraries.of("\"task\"", "\"single\"", "\"normal\"", "\"\"", "5", "null");
      case "unique" -> Arbitraries.frequencyOf(Tuple.of(1, Arbitraries.of("\"k\"", "\"\"", "{}", "{\"a\":1}", "[1]", "5", "null")), Tuple.of(1, any));
      case "task_type" -> Arbitraries.frequencyOf(Tuple.of(2, Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(6).map(s -> quote("fz" + s))),
          Tuple.of(1, oddString().filter(s -> !List.of("echo", "sleep", "fail", "shell").contains(s)).map(Gen::quote)));
      case "guid", "suite_guid" -> oddString().map(Gen::quote);
      default -> any;
    };
    return Arbitraries.frequencyOf(Tuple.of(3, special), Tuple.of(1, any));
  }

  static final List<String> FIELDS = List.of("type", "task_type", "guid", "priority", "resources", "time_limit", "max_attempts",
      "task_data", "suite_guid", "run_at", "repeat_every", "repeat_timezone", "unique");

  /** A valid envelope of a task type no worker runs (so it stays queued), with a fresh guid and random task_data. */
  static Arbitrary<Envelope> validEnvelope() {
    return Combinators.combine(json(), Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(6))
        .as((data, type) -> {
          LinkedHashMap<String, String> f = new LinkedHashMap<>();
          f.put("task_type", quote("fz_" + type));
          f.put("guid", quote("fz-" + Chaos.SEED + "-" + seq()));
          f.put("task_data", data);
          return new Envelope(f, null, "valid");
        });
  }

  /** One mutation: a field set to an odd value, a field removed, an unknown field added, or a key repeated. */
  static Arbitrary<java.util.function.Function<Envelope, Envelope>> mutation() {
    Arbitrary<java.util.function.Function<Envelope, Envelope>> set = Arbitraries.of(FIELDS).flatMap(field ->
        fieldValue(field).map(v -> (java.util.function.Function<Envelope, Envelope>) e -> {
          if (field.equals("guid") && v.startsWith("\"")) {
            // Mostly keep guids unique so that a 201 stays a 201: an odd guid with the sequence after it.
            return e.with(field, seq() % 3 == 0 ? v : v.substring(0, v.length() - 1) + "-" + seq() + "\"");
          }
          return e.with(field, v);
        }));
    Arbitrary<java.util.function.Function<Envelope, Envelope>> remove = Arbitraries.of(FIELDS).map(field -> e -> {
      LinkedHashMap<String, String> f = new LinkedHashMap<>(e.fields());
      f.remove(field);
      return new Envelope(f, e.duplicate(), e.note());
    });
    Arbitrary<java.util.function.Function<Envelope, Envelope>> unknown = Combinators.combine(key(), json()).as((k, v) -> e -> e.with(k, v));
    Arbitrary<java.util.function.Function<Envelope, Envelope>> dup = Arbitraries.of(FIELDS).map(field -> e -> new Envelope(e.fields(), field, e.note()));
    return Arbitraries.frequencyOf(Tuple.of(10, set), Tuple.of(2, remove), Tuple.of(2, unknown), Tuple.of(1, dup));
  }

  /** A valid envelope with 0 to 3 mutations. */
  static Arbitrary<Envelope> envelope() {
    return Combinators.combine(validEnvelope(), mutation().list().ofMaxSize(3)).as((e, ms) -> {
      Envelope out = e;
      for (var m : ms) {
        out = m.apply(out);
      }
      return out;
    });
  }

  // ---- raw bodies ----

  static final List<byte[]> ODD_BODIES = List.of(
      new byte[0], " ".getBytes(), "null".getBytes(), "[]".getBytes(), "\"echo\"".getBytes(), "{".getBytes(), "}".getBytes(),
      "{\"task_type\":\"fz\",}".getBytes(), "{'task_type':'fz'}".getBytes(), "{\"task_type\":\"fz\"/*c*/}".getBytes(),
      "{\"task_type\":\"fz\",\"task_data\":NaN}".getBytes(), "{\"task_type\":\"fz\",\"task_data\":Infinity}".getBytes(),
      "{\"task_type\":\"fz\"} trailing".getBytes(), "{\"task_type\":\"fz\"}{\"task_type\":\"fz\"}".getBytes(),
      bytes(0xEF, 0xBB, 0xBF, '{', '"', 't', 'a', 's', 'k', '_', 't', 'y', 'p', 'e', '"', ':', '"', 'f', 'z', '"', '}'),
      bytes('{', '"', 't', 'a', 's', 'k', '_', 't', 'y', 'p', 'e', '"', ':', '"', 0xC0, 0x80, '"', '}'),
      bytes('{', '"', 't', 'a', 's', 'k', '_', 't', 'y', 'p', 'e', '"', ':', '"', 0xED, 0xA0, 0x80, '"', '}'),
      bytes('{', '"', 't', 'a', 's', 'k', '_', 't', 'y', 'p', 'e', '"', ':', '"', 0xFF, 0xFE, '"', '}'),
      "{\"task_type\":\"fz\",\"task_data\":\"\u0000\"}".getBytes(StandardCharsets.UTF_8),
      "{\"task_type\":\"fz\"}".getBytes(StandardCharsets.UTF_16), "[".repeat(100_000).getBytes(), "{\"a\":".repeat(50_000).getBytes(),
      ("{\"task_type\":\"fz\",\"task_data\":" + "1".repeat(2000) + "}").getBytes(), "-".getBytes(), "0x10".getBytes(), "1e999".getBytes());

  private static byte[] bytes(int... b) {
    byte[] out = new byte[b.length];
    for (int i = 0; i < b.length; i++) {
      out[i] = (byte) b[i];
    }
    return out;
  }

  /** Malformed bodies: the fixed odd ones, truncated envelopes, random bytes, an envelope with one byte changed. */
  static Arbitrary<byte[]> rawBody() {
    Arbitrary<byte[]> truncated = Combinators.combine(envelope(), Arbitraries.doubles().between(0, 1)).as((e, cut) -> {
      byte[] b = e.text().getBytes(StandardCharsets.UTF_8);
      return java.util.Arrays.copyOf(b, (int) (b.length * cut));
    });
    Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofMaxSize(300);
    Arbitrary<byte[]> flipped = Combinators.combine(envelope(), Arbitraries.integers().between(0, 10_000), Arbitraries.bytes()).as((e, at, x) -> {
      byte[] b = e.text().getBytes(StandardCharsets.UTF_8);
      if (b.length > 0) {
        b[at % b.length] = x;
      }
      return b;
    });
    return Arbitraries.frequencyOf(Tuple.of(2, Arbitraries.of(ODD_BODIES)), Tuple.of(2, truncated), Tuple.of(1, random), Tuple.of(2, flipped));
  }

  static List<String> list(Arbitrary<String> a, int n) {
    List<String> out = new ArrayList<>();
    Iterator<String> it = stream(a);
    for (int i = 0; i < n; i++) {
      out.add(it.next());
    }
    return out;
  }
}
