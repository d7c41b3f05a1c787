package io.tef.node;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * Inputs that once broke a door, kept as fixed regressions and tried on every run beside the
 * generated ones. Envelope cases go through all three doors; the others through the door they
 * concern. Each is judged by the common oracles and, where it says so, must be refused.
 */
final class FixedCases {

  private FixedCases() {
  }

  record EnvelopeCase(String name, Gen.Envelope envelope, Judge.Expect expect) {

    /** Cases about what the dispatcher does with a task once accepted: one door is enough (each costs a node when it wedges it). */
    boolean anyDoor() {
      return !name.startsWith("echo ");
    }
  }

  /** One envelope of a type nobody runs; {@code field} set to {@code value} (JSON text). */
  static Gen.Envelope envelope(String field, String value) {
    LinkedHashMap<String, String> f = new LinkedHashMap<>();
    f.put("task_type", "\"fz_fixed\"");
    f.put("guid", Gen.quote("fixed-" + Chaos.SEED + "-" + Gen.seq()));
    f.put(field, value);
    return new Gen.Envelope(f, null, "fixed");
  }

  /** An echo task (the demo worker runs it) with a unique guid. */
  static Gen.Envelope echo(String field, String value) {
    LinkedHashMap<String, String> f = new LinkedHashMap<>();
    f.put("task_type", "\"echo\"");
    f.put("guid", Gen.quote("fixed-echo-" + Chaos.SEED + "-" + Gen.seq()));
    f.put(field, value);
    return new Gen.Envelope(f, null, "fixed");
  }

  static List<EnvelopeCase> envelopes() {
    List<EnvelopeCase> out = new ArrayList<>();
    // A schedule that never comes, or comes after the end of time, must not wedge the dispatcher.
    out.add(new EnvelopeCase("repeat_every 1000000000000 days", envelope("repeat_every", "\"1000000000000 days\""), Judge.Expect.SAFE));
    out.add(new EnvelopeCase("repeat_every cron 30 February", envelope("repeat_every", "\"0 0 30 2 *\""), Judge.Expect.SAFE));
    out.add(new EnvelopeCase("run_at in 1000000000000 days", envelope("run_at", "\"in 1000000000000 days\""), Judge.Expect.SAFE));
    out.add(new EnvelopeCase("repeat_every 9223372036854775807 weeks", envelope("repeat_every", "\"9223372036854775807 weeks\""), Judge.Expect.SAFE));
    // The same schedules on a task the demo worker runs: its next run is computed when a run ends.
    out.add(new EnvelopeCase("echo repeat_every 1000000000000 days", echo("repeat_every", "\"1000000000000 days\""), Judge.Expect.SAFE));
    out.add(new EnvelopeCase("echo repeat_every cron 30 February", echo("repeat_every", "\"0 0 30 2 *\""), Judge.Expect.SAFE));
    // task_data is opaque: deep, odd numbers, $-keys, lone surrogates are kept as sent, or refused with a 4xx.
    out.add(new EnvelopeCase("task_data arrays 900 deep", envelope("task_data", "[".repeat(900) + "1" + "]".repeat(900)), Judge.Expect.SAFE));
    out.add(new EnvelopeCase("task_data objects 900 deep", envelope("task_data", "{\"a\":".repeat(900) + "1" + "}".repeat(900)), Judge.Expect.SAFE));
    out.add(new EnvelopeCase("task_data {$date: garbage}", envelope("task_data", "{\"$date\":\"garbage\"}"), Judge.Expect.SAFE));
    out.add(new EnvelopeCase("task_data {$numberLong: 5}", envelope("task_data", "{\"$numberLong\":\"5\"}"), Judge.Expect.SAFE));
    out.add(new EnvelopeCase("task_data {$oid: 1}", envelope("task_data", "{\"$oid\":1}"), Judge.Expect.SAFE));
    out.add(new EnvelopeCase("task_data {$date: valid}", envelope("task_data", "{\"$date\":\"2030-01-01T00:00:00Z\"}"), Judge.Expect.SAFE));
    out.add(new EnvelopeCase("task_data nested $regex", envelope("task_data", "{\"x\":{\"$regex\":\"[\",\"$options\":\"q\"}}"), Judge.Expect.SAFE));
    out.add(new EnvelopeCase("task_data 2^63", envelope("task_data", "9223372036854775808"), Judge.Expect.SAFE));
    out.add(new EnvelopeCase("task_data -2^63-1", envelope("task_data", "-9223372036854775809"), Judge.Expect.SAFE));
    out.add(new EnvelopeCase("task_data 2^64 in an object", envelope("task_data", "{\"n\":18446744073709551616}"), Judge.Expect.SAFE));
    out.add(new EnvelopeCase("task_data lone high surrogate", envelope("task_data", "\"\\uD800\""), Judge.Expect.SAFE));
    out.add(new EnvelopeCase("task_data lone low surrogate in a key", envelope("task_data", "{\"a\\uDC00b\":1}"), Judge.Expect.SAFE));
    out.add(new EnvelopeCase("task_data a decimal of 23 digits", envelope("task_data", "1.2345678901234567890123"), Judge.Expect.SAFE));
    out.add(new EnvelopeCase("task_data 1e400", envelope("task_data", "1e400"), Judge.Expect.SAFE));
    out.add(new EnvelopeCase("task_data 1e-400", envelope("task_data", "1e-400"), Judge.Expect.SAFE));
    out.add(new EnvelopeCase("task_data {$numberDecimal: 1e1000000}", envelope("task_data", "{\"$numberDecimal\":1e1000000}"), Judge.Expect.SAFE));
    out.add(new EnvelopeCase("task_data {$timestamp: string}", envelope("task_data", "{\"$timestamp\":\"x\"}"), Judge.Expect.SAFE));
    out.add(new EnvelopeCase("task_data {$regex: number}", envelope("task_data", "{\"$regex\":1}"), Judge.Expect.SAFE));
    out.add(new EnvelopeCase("task_data a key with NUL", envelope("task_data", "{\"a\\u0000b\":1}"), Judge.Expect.SAFE));
    out.add(new EnvelopeCase("priority 2^63", envelope("priority", "9223372036854775808"), Judge.Expect.SAFE));
    // guids the REST door cannot address, or that break a header, are refused (or kept and addressable).
    out.add(new EnvelopeCase("guid with NUL", envelope("guid", "\"a\\u0000b\""), Judge.Expect.SAFE));
    out.add(new EnvelopeCase("guid with CR LF", envelope("guid", "\"a\\r\\nb\""), Judge.Expect.SAFE));
    out.add(new EnvelopeCase("guid .", envelope("guid", "\".\""), Judge.Expect.SAFE));
    out.add(new EnvelopeCase("guid ..", envelope("guid", "\"..\""), Judge.Expect.SAFE));
    out.add(new EnvelopeCase("guid with a slash", envelope("guid", "\"a/b\""), Judge.Expect.SAFE));
    out.add(new EnvelopeCase("guid with a lone surrogate", envelope("guid", "\"a\\uD800\""), Judge.Expect.SAFE));
    return out;
  }

  /** REST requests: method, URI, body (null: none), what is due. */
  record RestCase(String name, String method, String uri, String body, Judge.Expect expect) {
  }

  static List<RestCase> rest() {
    return List.of(
        new RestCase("an unknown query parameter on the task list", "GET", "/api/tasks?stat=queued", null, Judge.Expect.BAD_REQUEST),
        new RestCase("an unknown filter on the worker list", "GET", "/api/workers?foo=1", null, Judge.Expect.BAD_REQUEST),
        new RestCase("POST /health", "POST", "/health", "{}", Judge.Expect.METHOD_NOT_ALLOWED),
        new RestCase("PUT /health", "PUT", "/health", "{}", Judge.Expect.METHOD_NOT_ALLOWED),
        new RestCase("DELETE /health", "DELETE", "/health", null, Judge.Expect.METHOD_NOT_ALLOWED),
        new RestCase("PATCH /health", "PATCH", "/health", "{}", Judge.Expect.METHOD_NOT_ALLOWED));
  }

  /** Raw HTTP: requests the codec refuses must be answered in JSON like the rest. */
  record RawCase(String name, String request) {
  }

  static List<RawCase> raw() {
    return List.of(
        new RawCase("a 9,000-character URI", "GET /api/tasks/" + "x".repeat(9000) + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"),
        new RawCase("a header line without a colon", "GET /health HTTP/1.1\r\nHost: x\r\nBad Header Line\r\nConnection: close\r\n\r\n"),
        new RawCase("a 70,000-byte header", "GET /health HTTP/1.1\r\nHost: x\r\nX-Huge: " + "v".repeat(70_000) + "\r\nConnection: close\r\n\r\n"),
        new RawCase("a request line that is not HTTP", "HELLO\r\n\r\n"),
        new RawCase("a bad Content-Length", "POST /api/tasks HTTP/1.1\r\nHost: x\r\nContent-Length: x\r\nConnection: close\r\n\r\n"));
  }

  /** An AMQP task message of 2 MiB: over the REST body limit (1 MiB), so refused (dead-lettered) there too. */
  static String twoMebibyteTask() {
    return "{\"type\":\"task\",\"task_type\":\"fz_fixed\",\"guid\":\"fixed-big-" + Chaos.SEED + "\",\"task_data\":\"" + "x".repeat(2 * 1024 * 1024) + "\"}";
  }
}
