package io.tef.worker;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.util.Map;

/** The three task types every TEF worker can run out of the box: echo, sleep and fail. */
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

  public static Map<String, TaskHandler> all(Vertx vertx) {
    return Map.of("echo", echo(), "sleep", sleep(vertx), "fail", fail());
  }

  private BuiltInHandlers() {
  }
}
