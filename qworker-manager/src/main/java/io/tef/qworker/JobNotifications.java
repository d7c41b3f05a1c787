package io.tef.qworker;

import io.tef.protocol.Addresses;
import io.tef.protocol.Replies;
import io.tef.protocol.json.IsoInstants;
import io.tef.protocol.worker.TaskReport;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Locale;

/**
 * {@code worker:notification}s: each is published on {@code tef.events.notifications} in TEF's
 * names, and a job's become reports on its task, fenced by attempt: {@code progress} the
 * progress, {@code log}/{@code log:info|warn|error} a log line, {@code success} the completion
 * (its result: the job's {@code result}, else {@code data.result}), {@code fail} the failure
 * (its reason: the error's message). A job is known by the id TEF gave it ({@code sourceId}).
 */
final class JobNotifications {

  private static final Logger LOG = LoggerFactory.getLogger(JobNotifications.class);
  private static final long TIMEOUT_MS = 10_000;
  /** An ending is offered for a minute while no dispatcher answers (its node restarting). */
  private static final int ENDING_TRIES = 60;
  /** How long an ending waits for the notifications the worker published just before it. */
  static final long REORDER_MS = 150;

  private final Vertx vertx;
  private final Roster roster;
  private final JobDispatch dispatch;

  JobNotifications(Vertx vertx, Roster roster, JobDispatch dispatch) {
    this.vertx = vertx;
    this.roster = roster;
    this.dispatch = dispatch;
  }

  void onNotification(JsonObject n) {
    String workerId = n.getValue("workerId") instanceof String s ? s : null;
    String source = n.getValue("sourceType") instanceof String s ? s.toLowerCase(Locale.ROOT) : "worker";
    String type = n.getValue("type") instanceof String s ? s : null;
    String sourceId = n.getValue("sourceId") == null ? null : String.valueOf(n.getValue("sourceId"));
    QworkerWorker w = roster.get(workerId);
    QworkerWorker.Held held = "job".equals(source) && w != null && w.held != null && w.held.jobId() != null
        && w.held.jobId().equals(sourceId) ? w.held : null;
    JsonObject event = new JsonObject().put("worker_id", workerId).put("source_type", source)
        .put("source_id", held != null ? held.guid() : sourceId).put("type", type)
        .put("triggered_at", triggeredAt(n.getValue("triggeredAt"))).put("task_id", n.getValue("taskId"))
        .put("job", n.getValue("job")).put("msg", n.getValue("msg"));
    if (held != null) {
      event.put("attempt", held.attempt()).put("job_id", held.jobId());
    }
    vertx.eventBus().publish(Addresses.EVENTS_NOTIFICATIONS, event);
    if (held == null || type == null) {
      return;
    }
    TaskReport report = report(w, held, type, n);
    if (report == null) {
      return;
    }
    if (report.kind() != TaskReport.Kind.COMPLETED && report.kind() != TaskReport.Kind.FAILED) {
      enqueue(w, report, 1);
      return;
    }
    // mubsub's publishes from one worker may land out of order (its driver writes on several
    // connections), and nothing numbers them: the ending waits a moment, so that a log line or
    // progress published just before it is recorded first (after the ending it would be refused).
    vertx.setTimer(REORDER_MS, id -> {
      dispatch.ended(w, held);
      enqueue(w, report, ENDING_TRIES);
    });
  }

  private void enqueue(QworkerWorker w, TaskReport report, int tries) {
    w.reports = w.reports.transform(ar -> {
      io.vertx.core.Promise<Void> sent = io.vertx.core.Promise.promise();
      send(report, tries, sent);
      return sent.future();
    });
  }

  private static TaskReport report(QworkerWorker w, QworkerWorker.Held h, String type, JsonObject n) {
    JsonObject job = n.getValue("job") instanceof JsonObject j ? j : new JsonObject();
    String msg = n.getValue("msg") == null ? null : String.valueOf(n.getValue("msg"));
    return switch (type) {
      case "progress" -> TaskReport.progress(h.guid(), h.attempt(), w.id(), h.token(), percent(n.getValue("progress") != null ? n.getValue("progress") : job.getValue("progress")));
      case "log", "log:info" -> msg == null ? null : TaskReport.log(h.guid(), h.attempt(), w.id(), h.token(), "info", msg);
      case "log:warn" -> msg == null ? null : TaskReport.log(h.guid(), h.attempt(), w.id(), h.token(), "warn", msg);
      case "log:error", "log:fail" -> msg == null ? null : TaskReport.log(h.guid(), h.attempt(), w.id(), h.token(), "error", msg);
      case "success" -> TaskReport.completed(h.guid(), h.attempt(), w.id(), h.token(), result(job));
      case "fail" -> TaskReport.failed(h.guid(), h.attempt(), w.id(), h.token(), reason(n, msg));
      default -> null; // start: the dispatch's answer was the start
    };
  }

  private static Object result(JsonObject job) {
    if (job.containsKey("result")) {
      return job.getValue("result");
    }
    return job.getValue("data") instanceof JsonObject data ? data.getValue("result") : null;
  }

  private static String reason(JsonObject n, String msg) {
    Object error = n.getValue("error") != null ? n.getValue("error") : n.getValue("job") instanceof JsonObject j ? j.getValue("failReason") : null;
    if (error instanceof JsonObject e && e.getValue("message") instanceof String m && !m.isBlank()) {
      return m;
    }
    if (error instanceof String s && !s.isBlank()) {
      return s;
    }
    return msg != null && !msg.isBlank() ? msg : "the Qworker job failed";
  }

  private static int percent(Object p) {
    double d = p instanceof Number num ? num.doubleValue() : 0;
    return (int) Math.max(0, Math.min(100, Math.round(d)));
  }

  private static String triggeredAt(Object t) {
    return t instanceof JsonObject d && d.getValue("$date") != null ? String.valueOf(d.getValue("$date")) : t == null ? IsoInstants.format(java.time.Instant.now()) : String.valueOf(t);
  }

  private void send(TaskReport r, int triesLeft, io.vertx.core.Promise<Void> sent) {
    vertx.eventBus().request(Addresses.TASKS_REPORT, r.toJson(), new DeliveryOptions().setSendTimeout(TIMEOUT_MS)).onSuccess(reply -> sent.tryComplete()).onFailure(err -> {
      if (Replies.retryLater(err) && triesLeft > 1) {
        vertx.setTimer(1000, id -> send(r, triesLeft - 1, sent));
        return;
      }
      sent.tryComplete();
      if (Replies.status(err) == 410) {
        LOG.info("Qworker report {} on task {} attempt {} not recorded: {}", r.kind(), r.guid(), r.attempt(), err.getMessage());
      } else {
        LOG.warn("Qworker report {} on task {} attempt {} not recorded: {}", r.kind(), r.guid(), r.attempt(), err.getMessage());
      }
    });
  }
}
