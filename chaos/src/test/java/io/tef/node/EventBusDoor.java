package io.tef.node;

import io.tef.protocol.Addresses;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The event-bus door, from another member of the node's cluster: requests to every address that
 * answers, with mutated messages of the shape each address takes and with bodies of every type the
 * bus carries. Each must be answered: a reply, or a failure whose code is a 4xx. Then garbage
 * published on the internal event addresses, after which the node must still be healthy.
 */
final class EventBusDoor {

  private final FuzzNode node;
  /** Threads that wait for answers (the common pool has one thread on two cores). */
  private static final java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(25, r -> {
    Thread t = new Thread(r, "bus-fuzz");
    t.setDaemon(true);
    return t;
  });

  EventBusDoor(FuzzNode node) {
    this.node = node;
  }

  record Request(String address, Object body, String label, String taskData, String guid, boolean publish) {
  }

  static final List<String> REQUEST_ADDRESSES = List.of(Addresses.TASKS_SUBMIT, Addresses.TASKS_CANCEL, Addresses.TASKS_REPORT,
      Addresses.DISPATCHER_CONTROL, Addresses.COLLECTIVE_STATUS, Addresses.COLLECTIVE_GET_WORKERS, Addresses.COLLECTIVE_REMOVE_WORKER,
      Addresses.COLLECTIVE_CONTROL, Addresses.COLLECTIVE_WORKERS, Addresses.COLLECTIVE_WORKER_STATE, Addresses.REGISTRY_REGISTER,
      Addresses.TASK_TYPES, Addresses.RESOURCES, Addresses.KEEPERS_RESULTS, Addresses.KEEPERS_CHECKPOINT, Addresses.TASKER_SUBMIT,
      Addresses.TASKER_RESPONSES);

  static final List<String> EVENT_ADDRESSES = List.of(Addresses.EVENTS_TASKS, Addresses.EVENTS_WORKERS, Addresses.EVENTS_DISPATCHERS,
      Addresses.EVENTS_RESOURCES, Addresses.EVENTS_TASK_TYPES, Addresses.EVENTS_TASKER, Addresses.EVENTS_NOTIFICATIONS, Addresses.DISPATCHER_WORKERS);

  private static Arbitrary<String> odd() {
    return Gen.oddString().filter(s -> !List.of("echo", "sleep", "fail", "shell", "running", "paused", "stopped").contains(s)).map(Gen::quote);
  }

  private static Arbitrary<String> pick(String... values) {
    return Arbitraries.frequencyOf(Tuple.of(3, Arbitraries.of(values).map(Gen::quote)), Tuple.of(1, odd()), Tuple.of(1, Gen.json()));
  }

  /** A message of the shape the address takes, its fields fuzzed. */
  static Arbitrary<String> shaped(String address) {
    Arbitrary<String> any = Gen.json();
    Arbitrary<String> whole = Arbitraries.frequencyOf(Tuple.of(2, Arbitraries.of(Gen.WHOLE)), Tuple.of(1, any));
    LinkedHashMap<String, Arbitrary<String>> f = new LinkedHashMap<>();
    switch (address) {
      case Addresses.TASKS_CANCEL, Addresses.COLLECTIVE_REMOVE_WORKER -> f.put(address.equals(Addresses.TASKS_CANCEL) ? "guid" : "name", odd());
      case Addresses.TASKS_REPORT -> {
        f.put("guid", Arbitraries.frequencyOf(Tuple.of(1, odd()), Tuple.of(1, Arbitraries.just("\"fz-" + Chaos.SEED + "-1\""))));
        f.put("attempt", whole);
        f.put("worker", odd());
        f.put("event", pick("working", "progress", "log", "completed", "failed"));
        f.put("result", any);
        f.put("reason", any);
        f.put("progress", whole);
        f.put("level", pick("info", "warn", "error"));
        f.put("message", any);
      }
      case Addresses.DISPATCHER_CONTROL -> {
        f.put("type", pick("set_state", "get_state", "pause_suite", "ready_suite", "stop_suite"));
        f.put("data", odd());
      }
      case Addresses.COLLECTIVE_STATUS, Addresses.COLLECTIVE_CONTROL -> {
        if (address.equals(Addresses.COLLECTIVE_CONTROL)) {
          f.put("type", pick("worker_status", "remove_worker", "get_workers"));
        }
        f.put("name", Arbitraries.frequencyOf(Tuple.of(1, odd()), Tuple.of(1, Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(5).map(s -> "\"fzw-" + s + "\""))));
        f.put("status", pick("idle", "ready", "dispatched", "working", "task_complete", "offline"));
        f.put("task", odd());
        f.put("attempt", whole);
        f.put("instance", odd());
        f.put("worker_type", Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(5).map(s -> "\"fzt" + s + "\""));
        f.put("task_types", any);
      }
      case Addresses.COLLECTIVE_WORKERS -> {
        f.put("name", odd());
        f.put("id", pick("*", "**", "a*b"));
        f.put("group", pick("product.*", "*"));
        f.put("task_type", odd());
        f.put("status", odd());
      }
      case Addresses.COLLECTIVE_WORKER_STATE -> {
        f.put("id", odd());
        f.put("group", odd());
        f.put("event", pick("started", "stopped", "message", "error"));
        f.put("at", Arbitraries.of(Gen.RUN_AT));
        f.put("content", any);
      }
      case Addresses.REGISTRY_REGISTER -> {
        f.put("name", Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(5).map(s -> "\"fzr-" + s + "\""));
        f.put("instance", odd());
        f.put("task_types", Arbitraries.frequencyOf(Tuple.of(1, odd().list().ofMaxSize(3).map(l -> "[" + String.join(",", l) + "]")), Tuple.of(1, any)));
        f.put("ping_interval_ms", whole);
        f.put("pid", whole);
        f.put("host", odd());
      }
      case Addresses.TASK_TYPES, Addresses.RESOURCES -> {
        f.put("op", pick("put", "get", "delete", "list"));
        f.put(address.equals(Addresses.TASK_TYPES) ? "id" : "name", Arbitraries.frequencyOf(Tuple.of(1, odd()),
            Tuple.of(1, Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(5).map(s -> "\"fzd" + s + "\""))));
        f.put("definition", Arbitraries.frequencyOf(Tuple.of(1, any), Tuple.of(1, Arbitraries.of("{\"limit\":1e400}", "{\"limit\":-7}",
            "{\"windows\":[{\"days\":[0],\"start\":\"24:00\",\"end\":\"\"}]}", "{\"time_limit\":0,\"max_attempts\":9223372036854775808}",
            "{\"job_attributes\":[\"\",\"..\",\"a.\"]}", "{\"timezone\":\"Mars/Olympus\",\"limit\":1}"))));
      }
      case Addresses.KEEPERS_RESULTS -> {
        f.put("task_types", any);
        f.put("after", Combinators.combine(Arbitraries.of(Gen.RUN_AT), odd()).as((a, g) -> "{\"finished_at\":" + a + ",\"guid\":" + g + "}"));
        f.put("limit", whole);
      }
      case Addresses.KEEPERS_CHECKPOINT -> {
        f.put("action", pick("load", "save"));
        f.put("keeper", odd());
        f.put("task_types", any);
        f.put("finished_at", Arbitraries.of(Gen.RUN_AT));
        f.put("guid", odd());
      }
      case Addresses.TASKER_SUBMIT -> {
        f.put("type", pick(FuzzNode.TASKER_TYPE));
        f.put("identifier", odd());
        f.put("payload", any);
        f.put("endpoints", any);
      }
      case Addresses.TASKER_RESPONSES -> {
        f.put("task_id", odd());
        f.put("endpoint", odd());
        f.put("status", pick("CREATED", "FINISHED"));
        f.put("payload", any);
        f.put("errnr", whole);
        f.put("errmsg", any);
      }
      default -> f.put("x", any);
    }
    // Each field present or left out, one by one.
    Arbitrary<String> out = Arbitraries.just("");
    for (var e : f.entrySet()) {
      String k = e.getKey();
      Arbitrary<String> field = Arbitraries.frequencyOf(Tuple.of(4, e.getValue().map(v -> Gen.quote(k) + ":" + v)), Tuple.of(1, Arbitraries.just("")));
      out = Combinators.combine(out, field).as((a, b) -> a.isEmpty() ? b : b.isEmpty() ? a : a + "," + b);
    }
    return out.map(s -> "{" + s + "}");
  }

  /** Any body the clustered bus carries: JSON objects and arrays, strings, buffers, numbers, booleans, null. */
  static Arbitrary<Object> anyBody() {
    return Arbitraries.frequencyOf(
        Tuple.of(3, Gen.json().map(EventBusDoor::asBusValue)),
        Tuple.of(1, Gen.oddString().map(s -> (Object) s)),
        Tuple.of(1, Gen.rawBody().map(b -> (Object) Buffer.buffer(b))),
        Tuple.of(1, Arbitraries.of(Long.MAX_VALUE, Long.MIN_VALUE, 0L, -1L).map(l -> (Object) l)),
        Tuple.of(1, Arbitraries.of(Double.NaN, Double.POSITIVE_INFINITY, -0.0d, 1e308).map(d -> (Object) d)),
        Tuple.of(1, Arbitraries.of(true, false).map(b -> (Object) b)),
        Tuple.of(1, Arbitraries.just(null)));
  }

  /** A JSON text as the bus would carry it: an object or array as such, any other value as its text. */
  static Object asBusValue(String text) {
    try {
      Object v = Json.decodeValue(text);
      if (v instanceof JsonObject || v instanceof JsonArray) {
        return v;
      }
    } catch (RuntimeException ignored) {
      // sent as text
    }
    return text;
  }

  static Arbitrary<Request> request() {
    Arbitrary<Request> submit = Gen.envelope().map(e -> {
      Object body = asBusValue(e.text());
      String data = null;
      if (body instanceof JsonObject o && o.containsKey("task_data") && e.duplicate() == null) {
        data = Json.encode(o.getValue("task_data"));
      }
      return new Request(Addresses.TASKS_SUBMIT, body, e.text(), data, e.guid(), false);
    });
    Arbitrary<Request> shapedReq = Arbitraries.of(REQUEST_ADDRESSES).flatMap(a -> shaped(a).map(t -> new Request(a, asBusValue(t), t, null, null, false)));
    Arbitrary<Request> anyReq = Combinators.combine(Arbitraries.of(REQUEST_ADDRESSES), anyBody())
        .as((a, b) -> new Request(a, b, describe(b), null, null, false));
    Arbitrary<Request> events = Combinators.combine(Arbitraries.of(EVENT_ADDRESSES), Arbitraries.frequencyOf(Tuple.of(1, anyBody()),
            Tuple.of(2, Arbitraries.of(REQUEST_ADDRESSES).flatMap(EventBusDoor::shaped).map(EventBusDoor::asBusValue))))
        .as((a, b) -> new Request(a, b, describe(b), null, null, true));
    return Arbitraries.frequencyOf(Tuple.of(4, submit), Tuple.of(6, shapedReq), Tuple.of(3, anyReq), Tuple.of(1, events));
  }

  static String describe(Object body) {
    if (body == null) {
      return "null";
    }
    if (body instanceof Buffer b) {
      return "Buffer " + Printable.bytes(b.getBytes(), 300);
    }
    if (body instanceof String s) {
      return "String " + Gen.quote(s);
    }
    if (body instanceof JsonObject || body instanceof JsonArray) {
      return body.toString();
    }
    return body.getClass().getSimpleName() + " " + body;
  }

  void fuzz(Judge judge, int n) throws Exception {
    Iterator<Request> requests = Gen.stream(request());
    for (int done = 0; done < n; ) {
      judge.beginBatch();
      // 25 in flight at a time (an unanswered one costs the whole timeout), judged in order.
      for (int i = 0; i < RestDoor.BATCH && done < n; ) {
        List<Request> chunk = new java.util.ArrayList<>();
        List<CompletableFuture<Judge.Outcome>> outcomes = new java.util.ArrayList<>();
        for (int k = 0; k < 25 && i < RestDoor.BATCH && done < n; k++, i++, done++) {
          Request r = requests.next();
          chunk.add(r);
          outcomes.add(CompletableFuture.supplyAsync(() -> ask(r), pool));
        }
        for (int k = 0; k < chunk.size(); k++) {
          record(judge, chunk.get(k), outcomes.get(k).get(), Judge.Expect.SAFE);
        }
      }
      judge.endBatch();
    }
  }

  void send(Judge judge, Request r, Judge.Expect expect) throws Exception {
    record(judge, r, ask(r), expect);
  }

  private void record(Judge judge, Request r, Judge.Outcome o, Judge.Expect expect) throws Exception {
    if (o == null) {
      // Published (no answer is due; the batch's health check judges what it did), or refused by this JVM's bus (no codec).
      judge.door.inputs.incrementAndGet();
      judge.door.count(Figures.Answer.OTHER);
      return;
    }
    judge.judge((r.publish() ? "publish " : "") + r.address(), r.label(), o, r.taskData(), r.guid(), expect);
  }

  /** Sends one request and waits for its answer, once more if none came; null when nothing is due. */
  private Judge.Outcome ask(Request r) {
    Judge.Outcome o = askOnce(r);
    if (o == null || o.answer() != Figures.Answer.UNANSWERED) {
      return o;
    }
    Judge.Outcome again = askOnce(r);
    return again != null && again.answer() != Figures.Answer.UNANSWERED ? again.asLate() : o;
  }

  private Judge.Outcome askOnce(Request r) {
    if (r.publish()) {
      node.vertx.eventBus().publish(r.address(), r.body());
      return null;
    }
    Future<io.vertx.core.eventbus.Message<Object>> f;
    try {
      f = node.vertx.eventBus().request(r.address(), r.body(), new DeliveryOptions().setSendTimeout(Chaos.ANSWER_TIMEOUT_MS));
    } catch (RuntimeException e) {
      return null;
    }
    Judge.Outcome o;
    try {
      Object reply = f.toCompletionStage().toCompletableFuture().get(Chaos.ANSWER_TIMEOUT_MS + 2000, TimeUnit.MILLISECONDS).body();
      JsonObject json = reply instanceof JsonObject j ? j : null;
      JsonObject task = json != null && json.getValue("task") instanceof JsonObject t ? t : null;
      boolean submit = r.address().equals(Addresses.TASKS_SUBMIT);
      o = new Judge.Outcome(Figures.Answer.OK_2XX, 200, null, submit ? task : null, submit && task != null && json.getBoolean("created", false),
          submit && task != null && json.getBoolean("updated", false), true, Printable.of(String.valueOf(reply), 200));
    } catch (java.util.concurrent.ExecutionException e) {
      if (e.getCause() instanceof ReplyException re) {
        if (re.failureType() == ReplyFailure.TIMEOUT) {
          o = Judge.Outcome.unanswered("no reply within " + Chaos.ANSWER_TIMEOUT_MS + " ms");
        } else if (re.failureType() == ReplyFailure.NO_HANDLERS) {
          o = new Judge.Outcome(Figures.Answer.ERROR_5XX, 503, "no handler for " + r.address(), null, false, false, true, "NO_HANDLERS");
        } else {
          int code = re.failureCode();
          Figures.Answer cls = code >= 400 && code < 500 ? Figures.Answer.REFUSED_4XX : Figures.Answer.ERROR_5XX;
          o = new Judge.Outcome(cls, code, re.getMessage(), null, false, false, true, "failure " + code + " " + Printable.of(re.getMessage(), 200));
        }
      } else {
        o = new Judge.Outcome(Figures.Answer.ERROR_5XX, 500, String.valueOf(e.getCause()), null, false, false, true, String.valueOf(e.getCause()));
      }
    } catch (java.util.concurrent.TimeoutException e) {
      o = Judge.Outcome.unanswered("no reply within " + Chaos.ANSWER_TIMEOUT_MS + " ms");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      o = Judge.Outcome.unanswered("interrupted");
    }
    return o;
  }
}
