package io.tef.dispatcher;

import io.tef.core.metrics.TaskMetrics;
import io.tef.core.store.ForeignJobs;
import io.tef.core.store.InsertOutcome;
import io.tef.core.store.LeaseStore;
import io.tef.core.store.TaskStore;
import io.tef.core.task.Task;
import io.tef.core.task.TaskJson;
import io.tef.protocol.ValidationException;
import io.tef.protocol.json.JsonLimits;
import io.tef.protocol.task.RunAt;
import io.tef.protocol.task.TaskEnvelope;
import io.tef.protocol.task.TaskState;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

/**
 * Submissions: validated, stored, then answered, so an accepted task is durable. A second
 * submission of a guid changes nothing, unless the guid came from a unique key (or a repeating
 * task's type): then it redefines the task.
 */
final class Intake {

  private static final Logger LOG = LoggerFactory.getLogger(Intake.class);

  private final LiveTasks live;
  private final TaskStore store;
  private final StoreWriter writer;
  private final LeaseStore leases;
  private final TaskTypeDefaults defaults;
  private final JsonLimits limits;
  private final Ownership ownership;
  private final Forwarding forwarding;
  private final Suites suites;
  private final String nodeName;
  private final String instance;
  private final TaskMetrics metrics;

  Intake(LiveTasks live, TaskStore store, StoreWriter writer, LeaseStore leases, TaskTypeDefaults defaults, JsonLimits limits,
         Ownership ownership, Forwarding forwarding, Suites suites, String nodeName, String instance, TaskMetrics metrics) {
    this.metrics = metrics;
    this.live = live;
    this.store = store;
    this.writer = writer;
    this.leases = leases;
    this.defaults = defaults;
    this.limits = limits;
    this.ownership = ownership;
    this.forwarding = forwarding;
    this.suites = suites;
    this.nodeName = nodeName;
    this.instance = instance;
  }

  /** {@code door}: where the submission came in (a header the doors set), for the metrics. */
  Future<JsonObject> submit(JsonObject envelope, boolean forwarded, String door) {
    TaskEnvelope e = TaskEnvelope.parse(envelope, defaults.forEnvelope(envelope), limits);
    if (ownership.lost()) {
      throw new ValidationException(503, null, "this dispatcher was taken over by another and accepts nothing more; try again");
    }
    String guid = e.guid() != null ? e.guid() : UUID.randomUUID().toString();
    Task known = live.get(guid);
    if (known != null) {
      return e.keyed() ? redefine(known, e) : Future.succeededFuture(reply(known, false));
    }
    Task accepted = Task.accepted(e, guid, live.now(), nodeName, instance);
    Task task = suites.paused(accepted.suiteGuid()) ? accepted.paused(nodeName) : accepted;
    return store.insert(task).compose((InsertOutcome outcome) -> {
      if (outcome.created() && !live.contains(guid)) {
        live.put(outcome.task());
        live.enqueue(outcome.task());
      }
      if (outcome.created()) {
        metrics.submitted(task.taskType(), door);
        TaskLog.at(org.slf4j.event.Level.DEBUG, outcome.task(), nodeName).addKeyValue("door", door == null ? "eventbus" : door)
            .log("Task {} submitted", guid);
      }
      if (!outcome.created() && e.keyed()) {
        Task current = live.get(guid);
        if (current != null) {
          return redefine(current, e);
        }
        return redefineStored(outcome.task(), e, envelope, forwarded);
      }
      return Future.succeededFuture(reply(outcome.task(), outcome.created()));
    });
  }

  /**
   * A job another program wrote into the tasks collection, read as this envelope (its guid the
   * job's id): validated as a submission is, then its document rewritten as the task's, in place,
   * only if it is still a job nobody locked; one that is not a valid task is set aside with the
   * reason. Answers whether this dispatcher now holds it.
   */
  Future<Boolean> takeIn(ForeignJobs jobs, ForeignJobs.Job job, JsonObject envelope) {
    if (ownership.lost()) {
      return Future.succeededFuture(false);
    }
    TaskEnvelope e;
    try {
      e = TaskEnvelope.parse(envelope, defaults.forEnvelope(envelope), limits);
    } catch (ValidationException bad) {
      String reason = "not taken in as a TEF task: " + (bad.field() == null ? "" : bad.field() + ": ") + bad.getMessage();
      LOG.warn("Agenda job {} ({}) {}", job.id(), envelope.getValue("task_type"), reason);
      return jobs.refuse(job, reason).map(false);
    }
    Task task = Task.accepted(e, job.id(), live.now(), nodeName, instance);
    return jobs.takeIn(job, task).map(taken -> {
      if (taken && !live.contains(task.guid())) {
        live.put(task);
        live.enqueue(task);
        metrics.submitted(task.taskType(), "agenda");
        TaskLog.at(org.slf4j.event.Level.INFO, task, nodeName).addKeyValue("door", "agenda")
            .log("Agenda job {} taken in as a task ({})", task.guid(), task.taskType());
      }
      return taken;
    });
  }

  /**
   * A keyed submission of a task this dispatcher does not hold: the dispatcher that answers for
   * it redefines it; an ended task is revived by whoever claims it first.
   */
  private Future<JsonObject> redefineStored(Task stored, TaskEnvelope e, JsonObject envelope, boolean forwarded) {
    if (!stored.state().terminal()) {
      String owner = forwarding.liveOwner(stored.owner());
      if (owner != null && !owner.equals(instance) && !forwarded) {
        return forwarding.forward(owner, "submit", envelope);
      }
      throw new ValidationException(503, "guid", "task '" + stored.guid() + "' belongs to a dispatcher that is being taken over; submit again shortly");
    }
    return leases.takeOver("revive:" + stored.guid() + "#" + stored.attempt() + "@" + stored.finishedAt(), instance).compose(won -> {
      if (!won) {
        return Future.succeededFuture(reply(stored, false));
      }
      return redefine(stored.withOwner(instance), e);
    });
  }

  /** Agenda's unique: the stored task takes the new definition; one that had ended runs again. */
  private Future<JsonObject> redefine(Task existing, TaskEnvelope e) {
    Instant runAt = e.runAt() != null ? RunAt.parse(e.runAt(), live.now(), "run_at").truncatedTo(ChronoUnit.MILLIS)
        : existing.state().terminal() ? live.now() : existing.runAt();
    Task next = existing.redefined(e, runAt, nodeName);
    live.put(next);
    if (existing.state() == TaskState.QUEUED) {
      live.unqueue(existing);
    }
    live.enqueue(next);
    LOG.info("Task {} redefined by a submission with the same key ({})", next.guid(), next.state().wire());
    return writer.save(next).map(v -> reply(next, false).put("updated", true));
  }

  private static JsonObject reply(Task task, boolean created) {
    return new JsonObject().put("created", created).put("task", TaskJson.toView(task));
  }
}
