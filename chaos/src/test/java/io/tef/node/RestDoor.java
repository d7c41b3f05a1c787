package io.tef.node;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.List;

/** The REST door: task envelopes and raw bodies on POST /api/tasks, then every route with odd methods, paths, queries, headers and bodies. */
final class RestDoor {

  static final int BATCH = 50;

  private final FuzzNode node;

  RestDoor(FuzzNode node) {
    this.node = node;
  }

  /** A REST answer in the judge's terms; {@code submit}: the request was a task submission (its 2xx body is the task). */
  static Judge.Outcome outcome(FuzzNode.Reply r, boolean submit, boolean head, boolean mayBeUpdate) {
    if (!r.answered()) {
      return Judge.Outcome.unanswered(r.error());
    }
    JsonObject json = r.json();
    String message = json != null && json.getValue("error") instanceof String e ? e : r.body();
    boolean errorBodyOk = head || json != null && json.getValue("error") instanceof String
        && r.contentType() != null && r.contentType().startsWith("application/json");
    boolean ok = r.status() >= 200 && r.status() < 300;
    JsonObject task = submit && ok ? json : null;
    String observed = r.status() + " " + (r.contentType() == null ? "(no content-type)" : r.contentType()) + " " + Printable.of(r.body(), 200);
    return new Judge.Outcome(r.answerClass(), r.status(), message, task, ok && r.status() == 201, ok && r.status() == 200 && mayBeUpdate,
        errorBodyOk, observed, r.late());
  }

  static final List<String> CONTENT_TYPES = List.of("application/json", "application/json; charset=utf-8", "text/plain",
      "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/json; charset=utf-16", "*/*", "", "garbage;;=;",
      "application/xml", "application/json; charset=\u00e9");

  // ---- POST /api/tasks ----

  void envelopes(Judge judge, int n) throws Exception {
    Arbitrary<Object> input = Arbitraries.frequencyOf(Tuple.of(6, Gen.envelope().map(e -> (Object) e)), Tuple.of(1, Gen.rawBody().map(b -> (Object) b)));
    Iterator<Object> inputs = Gen.stream(input);
    Iterator<String> types = Gen.stream(Arbitraries.frequencyOf(Tuple.of(12, Arbitraries.just("application/json")), Tuple.of(1, Arbitraries.of(CONTENT_TYPES))));
    for (int done = 0; done < n; ) {
      judge.beginBatch();
      for (int i = 0; i < BATCH && done < n; i++, done++) {
        Object in = inputs.next();
        String type = types.next();
        if (in instanceof Gen.Envelope e) {
          submit(judge, "POST /api/tasks", e, type);
        } else {
          byte[] body = (byte[]) in;
          FuzzNode.Reply r = node.request(HttpMethod.POST, "/api/tasks", headers("content-type", type), Buffer.buffer(body));
          judge.judge("POST /api/tasks (raw body)", Printable.bytes(body, 400) + " [" + type + "]", outcome(r, true, false, false), null, null, Judge.Expect.SAFE);
        }
      }
      judge.endBatch();
    }
  }

  void submit(Judge judge, String target, Gen.Envelope e, String contentType) throws Exception {
    submit(judge, target, e, contentType, Judge.Expect.SAFE);
  }

  void submit(Judge judge, String target, Gen.Envelope e, String contentType, Judge.Expect expect) throws Exception {
    String text = e.text();
    FuzzNode.Reply r = node.request(HttpMethod.POST, "/api/tasks", headers("content-type", contentType), Buffer.buffer(text));
    judge.judge(target, text + ("application/json".equals(contentType) ? "" : " [" + contentType + "]"),
        outcome(r, true, false, e.fields().containsKey("unique")), e.taskData(), e.guid(), expect);
  }

  /** The path as the router sees it: runs of slashes as one, dot segments resolved. */
  static String routedPath(String path) {
    String collapsed = path.replaceAll("/{2,}", "/");
    try {
      String normalized = new java.net.URI(null, null, collapsed, null).normalize().getRawPath();
      return normalized == null ? collapsed : normalized.replace("%25", "%");
    } catch (java.net.URISyntaxException e) {
      return collapsed;
    }
  }

  static MultiMap headers(String... kv) {
    MultiMap m = MultiMap.caseInsensitiveMultiMap();
    for (int i = 0; i + 1 < kv.length; i += 2) {
      if (!kv[i + 1].isEmpty()) {
        m.add(kv[i], kv[i + 1]);
      }
    }
    return m;
  }

  // ---- every route ----

  /** Path templates; {s} is a fuzzed segment. Never the demo worker's name or a built-in type: the canary needs them. */
  static final List<String> PATHS = List.of("/api/tasks", "/api/tasks/{s}", "/api/tasks/{s}/{s}", "/api/suites/{s}", "/api/suites/{s}/pause",
      "/api/suites/{s}/ready", "/api/suites/{s}/stop", "/api/suites/{s}/{s}", "/api/dispatcher/state", "/api/dispatcher/{s}",
      "/api/task-types", "/api/task-types/{s}", "/api/resources", "/api/resources/{s}", "/api/workers", "/api/workers/{s}", "/api/cluster",
      "/worker/state", "/worker/{s}/status", "/health", "/health/{s}", "/health/live", "/health/ready", "/metrics", "/metrics/{s}",
      "/api/openapi.json", "/api/openapi.{s}", "/{s}", "/api/{s}", "/", "//api//tasks", "/api/tasks/", "/api/tasks/{s}/",
      "/API/TASKS", "/api/tasks;jsessionid=1", "/api/./tasks", "/api/x/../tasks", "/" + FuzzNode.TASKER_TYPE, "/" + FuzzNode.TASKER_TYPE + "/{s}");

  static final List<String> SEGMENTS = List.of("x", "%00", "%0d%0a", "%zz", "%", "%2e", "%2e%2e", "%2F", "%252F", "%C0%AF", "%ED%A0%80",
      "%FF", "..", ".", "~", "*", "a%20b", "%E2%80%AE", "9".repeat(5000), "x".repeat(300), "%3F", "%23", "$date", "{guid}", ":guid", "unique:zz");

  static final List<String> QUERIES = List.of("", "?", "?state=queued", "?stat=queued", "?limit=0", "?limit=-1", "?limit=1001", "?limit=1e3",
      "?limit=99999999999999999999", "?limit=", "?limit", "?state=queued&state=failed", "?state=%00", "?state=%zz", "?task_type=%FF",
      "?id=*", "?id=**", "?group=product.*", "?status=zz", "?task_type=a&task_type=b", "?foo=bar", "?api-key=" + "k".repeat(300),
      "?=x", "?&&&", "?a=%", "?limit=10&limit=20", "?suite_guid=" + "s".repeat(2000), "?state=queued#frag");

  static final List<String> METHODS = List.of("GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "TRACE", "FOO", "PROPFIND");

  record Route(String method, String uri, String contentType, String accept, String extraHeader, byte[] body) {
  }

  static Arbitrary<String> segment() {
    return Arbitraries.frequencyOf(Tuple.of(3, Arbitraries.of(SEGMENTS)),
        Tuple.of(2, Gen.oddString().map(Judge::pathSegment)),
        Tuple.of(2, Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(8).map(s -> "fz" + s)));
  }

  static Arbitrary<byte[]> routeBody() {
    Arbitrary<String> json = Arbitraries.frequencyOf(
        Tuple.of(3, Gen.json()),
        Tuple.of(2, Arbitraries.of("{\"limit\":1}", "{\"limit\":-2}", "{\"limit\":1e400}", "{\"limit\":9223372036854775808}",
            "{\"limit\":1,\"windows\":[{\"days\":[8],\"start\":\"25:00\",\"end\":\"x\"}]}", "{\"limit\":1,\"timezone\":\"Mars/Olympus\"}",
            "{\"limit\":1,\"windows\":[{\"days\":[],\"start\":\"09:00\",\"end\":\"09:00\",\"limit\":-5}]}", "{\"available\":\"yes\"}",
            "{\"state\":\"sideways\"}", "{\"state\":null}", "{\"state\":[]}", "{\"state\":\"running\"}", "{\"name\":\"\",\"time_limit\":0}",
            "{\"priority\":1e400,\"max_attempts\":-1}", "{\"job_attributes\":[\"a..b\",\"\",5]}", "{\"id\":\"fz\",\"event\":\"started\",\"at\":\"yesterday\"}",
            "{\"identifier\":\"i\",\"payload\":{\"$date\":1},\"endpoints\":[\"e1\",\"\"]}", "{\"identifier\":\"\",\"endpoints\":\"x\"}",
            "{\"id\":\"\\u0000\",\"event\":\"message\",\"content\":" + "[".repeat(500) + "]".repeat(500) + "}")),
        Tuple.of(1, Gen.envelope().map(Gen.Envelope::text)));
    return Arbitraries.frequencyOf(Tuple.of(4, json.map(s -> s.getBytes(StandardCharsets.UTF_8))), Tuple.of(1, Gen.rawBody()),
        Tuple.of(2, Arbitraries.just(new byte[0])));
  }

  static Arbitrary<Route> route() {
    Arbitrary<String> uri = Combinators.combine(Arbitraries.of(PATHS), segment(), segment(), Arbitraries.of(QUERIES))
        .as((p, a, b, q) -> p.replaceFirst("\\{s}", java.util.regex.Matcher.quoteReplacement(a)).replaceFirst("\\{s}", java.util.regex.Matcher.quoteReplacement(b)) + q);
    Arbitrary<String> extra = Arbitraries.of("", "x-api-key: " + "k".repeat(10), "x-api-key: ", "accept-encoding: gzip", "content-encoding: gzip",
        "range: bytes=0-1", "if-none-match: *", "expect: 100-continue", "x-forwarded-for: ::1", "origin: http://evil", "cookie: a=b",
        "authorization: Basic Og==", "x-long: " + "v".repeat(7000));
    return Combinators.combine(Arbitraries.of(METHODS), uri, Arbitraries.of(CONTENT_TYPES), Arbitraries.of("", "application/json", "text/html", "*/*", "application/xml;q=0"),
        extra, routeBody()).as(Route::new);
  }

  void routes(Judge judge, int n) throws Exception {
    Iterator<Route> routes = Gen.stream(route());
    for (int done = 0; done < n; ) {
      judge.beginBatch();
      for (int i = 0; i < BATCH && done < n; i++, done++) {
        sendRoute(judge, routes.next());
      }
      judge.endBatch();
    }
  }

  void sendRoute(Judge judge, Route route) throws Exception {
    MultiMap h = headers("content-type", route.contentType(), "accept", route.accept());
    if (!route.extraHeader().isEmpty()) {
      String[] kv = route.extraHeader().split(": ", 2);
      h.add(kv[0], kv.length > 1 ? kv[1] : "");
    }
    HttpMethod m = HttpMethod.valueOf(route.method());
    boolean noBody = route.body().length == 0 && (m == HttpMethod.GET || m == HttpMethod.HEAD || m == HttpMethod.DELETE);
    String path = route.uri().split("\\?", 2)[0];
    String input = route.method() + " " + route.uri() + (route.extraHeader().isEmpty() ? "" : " [" + route.extraHeader() + "]")
        + (noBody ? "" : " " + Printable.bytes(route.body(), 300) + " [" + route.contentType() + "]");
    FuzzNode.Reply r = node.request(m, route.uri(), h, noBody ? null : Buffer.buffer(route.body()));
    // The server routes the path after normalizing it (//api//tasks, /api/./tasks, /api/x/../tasks are /api/tasks).
    String routed = routedPath(path);
    boolean submit = m == HttpMethod.POST && (routed.equals("/api/tasks") || routed.equals("/api/tasks/"));
    String sentData = null;
    String sentGuid = null;
    if (submit) {
      Object parsed = ExactJson.tryParse(new String(route.body(), StandardCharsets.UTF_8));
      if (parsed instanceof java.util.Map<?, ?> map && !ExactJson.hasDuplicateKeys(new String(route.body(), StandardCharsets.UTF_8))) {
        JsonObject loose = tryObject(route.body());
        sentData = loose == null ? null : taskDataText(new String(route.body(), StandardCharsets.UTF_8));
        sentGuid = map.get("guid") instanceof String g ? g : null;
      }
    }
    Judge.Expect expect = Judge.Expect.SAFE;
    // Documented: an unknown filter on the worker and task lists is a 400, unless a page of another
    // origin asks: that is refused 403 before any route reads the query.
    if (m == HttpMethod.GET && (path.equals("/api/workers") || path.equals("/api/tasks")) && hasUnknownParam(route.uri(), path)
        && !route.extraHeader().startsWith("origin:")) {
      expect = Judge.Expect.BAD_REQUEST;
    }
    judge.judge(route.method() + " " + template(path), input, outcome(r, submit, m == HttpMethod.HEAD, false), sentData, sentGuid, expect);
  }

  private static JsonObject tryObject(byte[] body) {
    try {
      return new JsonObject(Buffer.buffer(body));
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static String taskDataText(String body) {
    try (var p = new com.fasterxml.jackson.core.JsonFactory().createParser(body)) {
      p.nextToken();
      while (p.nextToken() == com.fasterxml.jackson.core.JsonToken.FIELD_NAME) {
        String name = p.currentName();
        p.nextToken();
        long start = p.currentTokenLocation().getCharOffset();
        p.skipChildren();
        if ("task_data".equals(name)) {
          return body.substring((int) start, (int) p.currentLocation().getCharOffset());
        }
      }
    } catch (Exception ignored) {
      // not comparable
    }
    return null;
  }

  private static boolean hasUnknownParam(String uri, String path) {
    int q = uri.indexOf('?');
    if (q < 0) {
      return false;
    }
    List<String> known = path.equals("/api/workers") ? List.of("id", "group", "task_type", "status") : List.of("state", "task_type", "suite_guid", "limit");
    for (String kv : uri.substring(q + 1).split("#", 2)[0].split("&")) {
      if (kv.isEmpty()) {
        continue;
      }
      String k = kv.split("=", 2)[0];
      if (!known.contains(k)) {
        return true;
      }
    }
    return false;
  }

  /** The route a path hits, for grouping failures: segments after the known ones become {s}. */
  static String template(String path) {
    String[] parts = path.split("/", -1);
    StringBuilder b = new StringBuilder();
    for (int i = 1; i < parts.length; i++) {
      String p = parts[i];
      boolean known = List.of("api", "tasks", "suites", "pause", "ready", "stop", "dispatcher", "state", "task-types", "resources", "workers",
          "cluster", "worker", "status", "health", FuzzNode.TASKER_TYPE, "").contains(p);
      b.append('/').append(known ? p : "{s}");
    }
    String t = b.toString();
    return t.length() > 60 ? t.substring(0, 60) + "…" : t;
  }
}
