package io.tef.qworker;

import io.tef.core.mubsub.MubsubChannel;
import io.tef.core.store.QworkerJobs;
import io.tef.protocol.Assignment;
import io.tef.protocol.ErrorBody;
import io.tef.protocol.Refusal;
import io.tef.protocol.Replies;
import io.tef.protocol.ValidationException;
import io.tef.protocol.qworker.QworkerEvents;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the dispatcher sends a Qworker worker's address: a task becomes one Agenda job in the
 * worker's collection (answered taken once stored; the worker's Agenda finds it at its next
 * look, {@code processEvery}); an abandon (the task cancelled or stalled) removes the job and
 * publishes {@code job:cancel}.
 */
final class JobDispatch {

  private static final Logger LOG = LoggerFactory.getLogger(JobDispatch.class);

  private final MubsubChannel channel;
  private final QworkerJobs jobs;

  JobDispatch(MubsubChannel channel, QworkerJobs jobs) {
    this.channel = channel;
    this.jobs = jobs;
  }

  void onDispatch(QworkerWorker w, Message<JsonObject> m) {
    Assignment assignment;
    try {
      assignment = Assignment.fromJson(m.body());
    } catch (ValidationException e) {
      Replies.fail(m, e);
      return;
    }
    if (assignment instanceof Assignment.Abandon a) {
      abandon(w, a, m);
      return;
    }
    Assignment.Task a = (Assignment.Task) assignment;
    QworkerWorker.Held held = w.held;
    if (held != null) {
      if (held.guid().equals(a.guid()) && held.attempt() == a.attempt()) {
        m.reply(new JsonObject().put("accepted", true)); // the same attempt again: its job is there
      } else {
        Refusal.BUSY.fail(m, "with " + held.guid());
      }
      return;
    }
    if (!w.hello.taskIds().contains(a.taskType())) {
      Refusal.NO_HANDLER.fail(m, "for " + a.taskType());
      return;
    }
    Object data = a.task().getValue("task_data");
    JsonObject jobData = data instanceof JsonObject o ? o : data == null ? new JsonObject() : new JsonObject().put("value", data);
    int priority = a.task().getValue("priority") instanceof Number p ? p.intValue() : 0;
    // Held before the write: a second dispatch meanwhile is busy, not a second job.
    QworkerWorker.Held pending = new QworkerWorker.Held(a.guid(), a.attempt(), a.token(), null, a.taskType());
    w.held = pending;
    // Jobs the worker finished go first (Qworker removes its own; one that keeps them would pile them up).
    jobs.removeFinished(w.id()).otherwise(0L).compose(n -> jobs.add(w.id(), new QworkerJobs.Job(a.taskType(), jobData, priority, a.guid(), a.attempt(), a.token())))
        .onSuccess(jobId -> {
          if (w.held == pending) {
            w.held = new QworkerWorker.Held(a.guid(), a.attempt(), a.token(), jobId, a.taskType());
          }
          LOG.info("Task {} attempt {} is Agenda job {} in {} for Qworker worker {}", a.guid(), a.attempt(), jobId, jobs.collection(w.id()), w.id());
          m.reply(new JsonObject().put("accepted", true).put("job_id", jobId).put("collection", jobs.collection(w.id())));
        })
        .onFailure(err -> {
          if (w.held == pending) {
            w.held = null;
          }
          m.fail(503, ErrorBody.of("the job of task " + a.guid() + " could not be stored for " + w.id() + ": " + err.getMessage(), null).encode());
        });
  }

  private void abandon(QworkerWorker w, Assignment.Abandon a, Message<JsonObject> m) {
    QworkerWorker.Held held = w.held;
    if (held == null || !held.guid().equals(a.guid()) || held.attempt() != a.attempt()) {
      m.reply(new JsonObject().put("abandoned", true));
      return;
    }
    w.held = null;
    cancel(w, held, "taken back by TEF (cancelled or stalled)");
    m.reply(new JsonObject().put("abandoned", true));
  }

  /** Removes the attempt's job and tells the worker to stop running it. */
  void cancel(QworkerWorker w, QworkerWorker.Held held, String why) {
    if (held.jobId() == null) {
      return;
    }
    // Not yet begun: removed. Running: the worker is told, and Agenda ends it (its ending is refused as a late report).
    jobs.removeUnlocked(w.id(), held.jobId()).onComplete(ar -> LOG.info("Job {} of task {} attempt {} on Qworker worker {} cancelled ({}): {}",
        held.jobId(), held.guid(), held.attempt(), w.id(), why, ar.succeeded() && ar.result() ? "removed before it began" : "left to the worker"));
    channel.publish(QworkerEvents.JOB_CANCEL, new JsonObject().put("id", held.jobId()).put("workerId", w.id()).put("taskId", held.taskType())
        .put("guid", held.guid()).put("attempt", held.attempt()).put("reason", why));
  }

  /** The attempt ended: the worker is free. Its job document is Agenda's until saved finished (removed at the next dispatch). */
  void ended(QworkerWorker w, QworkerWorker.Held held) {
    if (w.held == held) {
      w.held = null;
    }
  }
}
