package io.tef.collective;

import io.tef.protocol.Fields;
import io.tef.protocol.Replies;
import io.tef.protocol.ValidationException;
import io.tef.protocol.worker.WorkerPresence;
import io.tef.protocol.worker.WorkerStateEvent;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;

/**
 * wokmanager's REST door ({@code /worker/state}): records with {@code via: rest}, never announced
 * to dispatchers nor watched for heartbeats, so they get no tasks. An event is answered once the
 * record holding it is written: a REST client cannot tell it again.
 */
final class RestWorkers {

  private final KnownWorkers known;
  private final Liveness liveness;
  private final RecordWriter writer;

  RestWorkers(KnownWorkers known, Liveness liveness, RecordWriter writer) {
    this.known = known;
    this.liveness = liveness;
    this.writer = writer;
  }

  void onWorkerState(Message<Object> m) {
    try {
      WorkerStateEvent e = WorkerStateEvent.fromJson(Fields.object(m.body()));
      WorkerEntry w = known.get(e.id());
      switch (e.event()) {
        case STARTED -> {
          if (w != null && w.alive() && w.via != WorkerEntry.Via.REST) {
            throw new ValidationException(409, "id", "worker name '" + e.id() + "' is held by a live worker that reaches TEF over "
                + w.via.wire() + "; pick another id");
          }
          if (w == null) {
            w = new WorkerEntry(e.id());
            known.add(w);
          }
          w.via = WorkerEntry.Via.REST;
          w.live = false;
          w.instance = null;
          w.status = "running";
          w.task = null;
          w.startedAt = e.at();
          if (e.group() != null) {
            w.group = e.group();
          }
          w.message(e.content() != null ? e.content() : "started", e.at(), "rest");
        }
        case STOPPED -> {
          if (w == null || "offline".equals(w.status)) {
            throw notRegistered();
          }
          if (e.content() != null) {
            w.message(e.content(), e.at(), "rest");
          }
          if (w.alive()) {
            liveness.offline(w, "stopped over REST", WorkerPresence.Cause.OFFLINE);
          } else {
            w.status = "offline";
            w.message("stopped", e.at(), "rest");
          }
        }
        case MESSAGE, ERROR -> {
          if (w == null) {
            throw notRegistered();
          }
          if (e.event() == WorkerStateEvent.Kind.MESSAGE) {
            w.message(e.content(), e.at(), "rest");
          } else {
            w.error(e.content(), e.at(), "rest");
          }
        }
        default -> throw new IllegalStateException("unhandled event " + e.event());
      }
      w.seen();
      JsonObject answer = new JsonObject().put("registered", e.event().wire()).put("at", e.at().toString());
      writer.saveNow(w).onSuccess(v -> m.reply(answer)).onFailure(err -> Replies.fail(m, err));
    } catch (RuntimeException e) {
      Replies.fail(m, e);
    }
  }

  private static ValidationException notRegistered() {
    return new ValidationException(404, "id", "no such worker registered");
  }
}
