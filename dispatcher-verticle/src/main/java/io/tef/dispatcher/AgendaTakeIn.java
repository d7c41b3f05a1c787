package io.tef.dispatcher;

import io.tef.core.store.ForeignJobs;
import io.tef.protocol.json.IsoInstants;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.List;

/**
 * Jobs that Agenda ({@code now}, {@code schedule}, {@code every}) or any program writing Agenda's
 * job documents put into the tasks collection, taken in as tasks: read every
 * {@code dispatcher.agenda_take_in_ms} (the embedded store has no change streams to say sooner),
 * each read as a submission of its {@code name} with its {@code data}, {@code priority},
 * {@code nextRunAt} as the run time and {@code repeatInterval} / {@code repeatTimezone} as the
 * repeat, under its own id as the guid. A full batch reads again at once.
 */
final class AgendaTakeIn {

  private static final Logger LOG = LoggerFactory.getLogger(AgendaTakeIn.class);
  static final int BATCH = 100;

  private final Vertx vertx;
  private final ForeignJobs jobs;
  private final Dispatcher dispatcher;
  private boolean reading;

  AgendaTakeIn(Vertx vertx, ForeignJobs jobs, Dispatcher dispatcher) {
    this.vertx = vertx;
    this.jobs = jobs;
    this.dispatcher = dispatcher;
  }

  void start(long everyMs) {
    if (everyMs > 0) {
      vertx.setPeriodic(everyMs, id -> read());
    }
  }

  /** One read and the take-in of what it found; a read still going is not doubled. */
  void read() {
    if (reading) {
      return;
    }
    reading = true;
    jobs.waiting(BATCH)
        .compose(found -> takeIn(found, 0).map(found.size()))
        .onComplete(ar -> {
          reading = false;
          if (ar.failed()) {
            LOG.warn("Reading Agenda jobs in the tasks collection failed: {}", ar.cause().getMessage());
          } else if (ar.result() == BATCH) {
            vertx.runOnContext(v -> read());
          }
        });
  }

  /** One after another: each is one conditional write, and a batch is small. */
  private Future<Void> takeIn(List<ForeignJobs.Job> found, int i) {
    if (i >= found.size()) {
      return Future.succeededFuture();
    }
    ForeignJobs.Job job = found.get(i);
    return dispatcher.takeIn(jobs, job, envelope(job))
        .recover(err -> {
          LOG.warn("Agenda job {} was not taken in: {}", job.id(), err.getMessage());
          return Future.succeededFuture(false);
        })
        .compose(v -> takeIn(found, i + 1));
  }

  /** The TEF envelope an Agenda job document means. */
  static JsonObject envelope(ForeignJobs.Job job) {
    JsonObject d = job.document();
    JsonObject e = new JsonObject().put("type", "task").put("task_type", d.getValue("name")).put("guid", job.id());
    if (d.getValue("data") != null) {
      e.put("task_data", d.getValue("data"));
    }
    if (d.getValue("priority") instanceof Number p) {
      e.put("priority", p.intValue());
    } else if (d.getValue("priority") != null) {
      e.put("priority", d.getValue("priority")); // refused by the envelope's check, naming the field
    }
    Instant next = date(d.getValue("nextRunAt"));
    if (next != null) {
      e.put("run_at", next.toString());
    }
    if (d.getValue("repeatInterval") != null) {
      e.put("repeat_every", d.getValue("repeatInterval"));
      if (d.getValue("repeatTimezone") != null) {
        e.put("repeat_timezone", d.getValue("repeatTimezone"));
      }
    }
    return e;
  }

  private static Instant date(Object v) {
    return IsoInstants.stored(v);
  }
}
