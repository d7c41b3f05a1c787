package io.tef.worker;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The task types every TEF worker can run out of the box: echo, sleep and fail, and the Task
 * Engine's registry, task_get_count and task_get_average (task_data {@code {"args": [numbers], "kwargs": {}}}).
 */
public final class BuiltInHandlers {

  public static final long MAX_SLEEP_MS = 24L * 3600 * 1000;

  /** echo: the result is the task_data. */
  public static TaskHandler echo() {
    return job -> Future.succeededFuture(job.data());
  }

  /** sleep: task_data {"ms": N}; waits N ms without holding a thread, then returns {"slept_ms": N}. */
  public static TaskHandler sleep(Vertx vertx) {
    return job -> {
      if (!(job.data() instanceof JsonObject d) || !(d.getValue("ms") instanceof Number n)
          || n.longValue() < 0 || n.longValue() > MAX_SLEEP_MS) {
        return Future.failedFuture("sleep needs task_data {\"ms\": N} with 0 <= N <= " + MAX_SLEEP_MS);
      }
      long ms = n.longValue();
      if (ms == 0) {
        return Future.succeededFuture(new JsonObject().put("slept_ms", 0));
      }
      Promise<Object> done = Promise.promise();
      vertx.setTimer(ms, id -> done.complete(new JsonObject().put("slept_ms", ms)));
      return done.future();
    };
  }

  /** fail: fails with the task_data as the reason. */
  public static TaskHandler fail() {
    return job -> Future.failedFuture(job.data() == null ? "fail task" : String.valueOf(job.data()));
  }

  /** task_get_count: the sum of the args (the Task Engine's {@code sum(args)}). */
  public static TaskHandler count() {
    return job -> {
      try {
        return Future.succeededFuture(sum(numbers(job, "task_get_count", 0)));
      } catch (IllegalArgumentException e) {
        return Future.failedFuture(e.getMessage());
      }
    };
  }

  /** task_get_average: the mean of the args, a float ({@code float(sum(args)) / len(args)}). */
  public static TaskHandler average() {
    return job -> {
      List<Number> args;
      try {
        args = numbers(job, "task_get_average", 1);
      } catch (IllegalArgumentException e) {
        return Future.failedFuture(e.getMessage());
      }
      double total = 0;
      for (Number n : args) {
        total += n.doubleValue();
      }
      return Future.succeededFuture(total / args.size());
    };
  }

  /** The args of a Task Engine call: numbers only, no keyword arguments (sum() takes none). */
  private static List<Number> numbers(Job job, String task, int atLeast) {
    if (!(job.data() instanceof JsonObject d) || !(d.getValue("args") instanceof JsonArray args)) {
      throw new IllegalArgumentException(task + " needs task_data {\"args\": [numbers], \"kwargs\": {}}");
    }
    if (d.getValue("kwargs") instanceof JsonObject kw && !kw.isEmpty()) {
      throw new IllegalArgumentException(task + " takes no keyword arguments, got " + kw.fieldNames());
    }
    List<Number> out = new ArrayList<>();
    for (int i = 0; i < args.size(); i++) {
      if (!(args.getValue(i) instanceof Number n)) {
        throw new IllegalArgumentException(task + " needs numbers, args[" + i + "] is " + args.getValue(i));
      }
      out.add(n);
    }
    if (out.size() < atLeast) {
      throw new IllegalArgumentException(task + " needs at least " + atLeast + " number in args (the mean of nothing is undefined)");
    }
    return out;
  }

  /** Whole numbers add up exactly (as Python's int does) until they leave 64 bits; any fraction makes a float. */
  private static Number sum(List<Number> args) {
    long whole = 0;
    double real = 0;
    boolean fraction = false;
    for (Number n : args) {
      if (!(n instanceof Long || n instanceof Integer || n instanceof Short || n instanceof Byte)) {
        fraction = true;
        real += n.doubleValue();
      } else {
        try {
          whole = Math.addExact(whole, n.longValue());
        } catch (ArithmeticException e) {
          fraction = true;
          real += n.doubleValue();
        }
      }
    }
    return fraction ? (Number) (real + whole) : (Number) whole;
  }

  public static Map<String, TaskHandler> all(Vertx vertx) {
    return Map.of("echo", echo(), "sleep", sleep(vertx), "fail", fail(), "task_get_count", count(), "task_get_average", average());
  }

  private BuiltInHandlers() {
  }
}
