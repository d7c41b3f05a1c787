package io.tef.dispatcher;

import io.tef.core.task.Task;
import io.tef.protocol.task.RunAt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;

/** When a repeating task runs next: its document goes back to the queue for that run as the run ends. */
final class Repeats {

  private static final Logger LOG = LoggerFactory.getLogger(Repeats.class);

  private final Clock clock;
  /** dispatcher.zone: the zone cron expressions are read in. */
  private final ZoneId zone;

  Repeats(Clock clock, ZoneId zone) {
    this.clock = clock;
    this.zone = zone;
  }

  /**
   * The repeating task's next run, or null when its schedule has none (the series ends with this
   * run): a schedule that throws must never keep a run from being recorded and its worker busy.
   */
  Task nextRun(Task done) {
    try {
      return done.nextRun(nextRunAt(done), done.lastModifiedBy());
    } catch (RuntimeException e) {
      LOG.warn("Repeating task {} ends its series: its schedule '{}' gives no next run ({})", done.guid(), done.repeat().every(), e.getMessage());
      return null;
    }
  }

  /**
   * An interval counts from the run's start, a cron expression from now; a run that overran its
   * interval is followed at once, never by a pile of missed runs.
   */
  private Instant nextRunAt(Task done) {
    Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
    Instant from = done.repeat().isInterval() && done.startedAt() != null ? done.startedAt() : now;
    Instant next = done.repeat().next(from, zone).truncatedTo(ChronoUnit.MILLIS);
    if (next.isAfter(RunAt.LATEST)) {
      throw new IllegalStateException("the next run would be after " + RunAt.LATEST);
    }
    return next.isBefore(now) ? now : next;
  }
}
