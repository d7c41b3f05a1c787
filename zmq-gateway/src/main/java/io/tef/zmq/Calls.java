package io.tef.zmq;

import io.tef.core.config.ZmqSettings;
import io.tef.protocol.Addresses;
import io.tef.protocol.Replies;
import io.tef.protocol.task.TasksQuery;
import io.tef.zmq.frames.Answers;
import io.tef.zmq.frames.Request;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BiConsumer;

/**
 * The Vert.x side of the door, on the verticle's context: a call becomes a durable TEF task of
 * its type with task_data {@code {args, kwargs}}, and is answered when the task ends (heard on
 * {@code tef.events.tasks}, published once the ending is stored), or when the wait runs out; a
 * data request reads a task by guid. The waiter is in place before the task is submitted, so no
 * ending can come first unheard.
 */
final class Calls {

  private final Vertx vertx;
  private final String nodeName;
  private final CallableTypes types;
  private final ZmqSettings settings;
  private final BiConsumer<List<byte[]>, List<byte[]>> answer;
  private final Map<String, Waiter> waiting = new HashMap<>();

  private record Waiter(List<byte[]> envelope, long timer) {
  }

  Calls(Vertx vertx, String nodeName, CallableTypes types, ZmqSettings settings, BiConsumer<List<byte[]>, List<byte[]>> answer) {
    this.vertx = vertx;
    this.nodeName = nodeName;
    this.types = types;
    this.settings = settings;
    this.answer = answer;
  }

  Future<Void> start() {
    return vertx.eventBus().<JsonObject>consumer(Addresses.EVENTS_TASKS, m -> ended(m.body())).completion();
  }

  int inFlight() {
    return waiting.size();
  }

  void call(List<byte[]> envelope, Request.Call call) {
    if (waiting.size() >= settings.maxInFlight()) {
      answer.accept(envelope, Answers.error(nodeName, "busy: " + waiting.size() + " calls are waiting for their tasks (zmq.max_in_flight); try again"));
      return;
    }
    types.callable(call.task()).onComplete(ok -> {
      if (ok.failed()) {
        answer.accept(envelope, Answers.error(nodeName, "cannot tell whether task '" + call.task() + "' may be called: "
            + Replies.errorBody(ok.cause()).getString("error")));
      } else if (!ok.result()) {
        answer.accept(envelope, Answers.error(nodeName, "unknown task '" + call.task() + "'"));
      } else {
        submit(envelope, call);
      }
    });
  }

  private void submit(List<byte[]> envelope, Request.Call call) {
    String guid = "zmq-" + UUID.randomUUID();
    waiting.put(guid, new Waiter(envelope, -1));
    JsonObject task = new JsonObject().put("guid", guid).put("task_type", call.task())
        .put("task_data", new JsonObject().put("args", call.args()).put("kwargs", call.kwargs()));
    vertx.eventBus().<JsonObject>request(Addresses.TASKS_SUBMIT, task,
            new io.vertx.core.eventbus.DeliveryOptions().addHeader(Addresses.DOOR_HEADER, "zmq"))
        .onSuccess(reply -> {
          Waiter w = waiting.get(guid);
          if (w == null) {
            return; // ended already
          }
          JsonObject stored = reply.body().getJsonObject("task");
          long waitMs = settings.waitMs() > 0 ? settings.waitMs() : 1000L * stored.getInteger("time_limit", 300);
          waiting.put(guid, new Waiter(envelope, vertx.setTimer(waitMs, id -> timedOut(guid, waitMs))));
        })
        .onFailure(err -> {
          waiting.remove(guid);
          answer.accept(envelope, Answers.error(nodeName, Replies.errorBody(err).getString("error")));
        });
  }

  private void timedOut(String guid, long waitMs) {
    Waiter w = waiting.remove(guid);
    if (w != null) {
      answer.accept(w.envelope(), Answers.error(nodeName, "task " + guid + " did not end within " + waitMs + " ms; it goes on in TEF:"
          + " ask for its state and result with [META, DATA {\"data\": {\"guid\": \"" + guid + "\"}, \"pack\": ...}]"));
    }
  }

  private void ended(JsonObject view) {
    Waiter w = waiting.remove(view.getString("guid", ""));
    if (w == null) {
      return;
    }
    if (w.timer() >= 0) {
      vertx.cancelTimer(w.timer());
    }
    String by = view.getString("worker") != null ? view.getString("worker") : nodeName;
    answer.accept(w.envelope(), switch (view.getString("state", "")) {
      case "completed" -> Answers.data(by, view.getValue("result"));
      case "failed" -> Answers.error(by, String.valueOf(view.getValue("fail_reason")));
      default -> Answers.error(by, "task " + view.getString("guid") + " was " + view.getString("state"));
    });
  }

  /** A data request: the task's state and result, for tasks of types this door may call (others look absent). */
  void lookup(List<byte[]> envelope, Request.Lookup lookup) {
    String none = "no task with guid '" + lookup.guid() + "'";
    vertx.eventBus().<JsonObject>request(Addresses.TASKS_QUERY, TasksQuery.get(lookup.guid()).toJson())
        .compose(reply -> {
          JsonObject view = reply.body().getJsonObject("task");
          if (view == null) {
            return Future.succeededFuture(Answers.error(nodeName, none));
          }
          return types.callable(view.getString("task_type")).map(callable -> callable
              ? Answers.data(nodeName, TaskData.of(view))
              : Answers.error(nodeName, none));
        })
        .onSuccess(frames -> answer.accept(envelope, frames))
        .onFailure(err -> answer.accept(envelope, Answers.error(nodeName, Replies.errorBody(err).getString("error"))));
  }
}
