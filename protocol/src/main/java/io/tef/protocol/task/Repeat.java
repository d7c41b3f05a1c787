package io.tef.protocol.task;

import io.tef.protocol.ValidationException;

import com.cronutils.model.Cron;
import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * When a repeating task runs next (Agenda's repeatEvery): a human interval ("5 minutes") or a
 * cron expression, 5 fields (Unix) or 6 with seconds first, in {@code timezone} (empty: the
 * dispatcher's zone). Kept as given, so the stored task shows what its submitter wrote.
 */
public record Repeat(String every, String timezone) {

  private static final Pattern INTERVAL = Pattern.compile(
      "(?:every\\s+)?(\\d+)\\s*(ms|milliseconds?|s|secs?|seconds?|m|mins?|minutes?|h|hours?|d|days?|w|weeks?)");
  private static final CronParser UNIX = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));
  private static final CronParser WITH_SECONDS = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.SPRING53));
  /** No repeat may come round faster than this: a task that repeats in a tight loop is a mistake. */
  private static final Duration SHORTEST = Duration.ofSeconds(1);
  /** Nor slower than this: every date the store keeps must stay within its range. */
  private static final Duration LONGEST = Duration.ofDays(3660);

  /** Checks the fields; throws {@link ValidationException} naming the one at fault. */
  public static Repeat parse(Object every, Object timezone) {
    if (every == null) {
      if (timezone != null) {
        throw new ValidationException("repeat_timezone", "is only meaningful with repeat_every");
      }
      return null;
    }
    if (!(every instanceof String s) || s.isBlank() || s.length() > 200) {
      throw new ValidationException("repeat_every", "must be an interval like \"5 minutes\" or a cron expression like \"0 9 * * 1-5\"");
    }
    if (timezone != null) {
      if (!(timezone instanceof String tz)) {
        throw new ValidationException("repeat_timezone", "must be a time zone name like \"Europe/Paris\"");
      }
      try {
        ZoneId.of(tz);
      } catch (DateTimeException e) {
        throw new ValidationException("repeat_timezone", "unknown time zone '" + tz + "' (use a region like Europe/Paris or UTC)");
      }
    }
    Repeat r = new Repeat(s.trim(), (String) timezone);
    if (r.schedule() instanceof ExecutionTime cron) {
      // A cron expression that names no real date ("0 0 30 2 *") would only fail when its first run ends.
      ZoneId zone = timezone == null ? ZoneId.of("UTC") : ZoneId.of((String) timezone);
      if (cron.nextExecution(java.time.ZonedDateTime.now(zone)).isEmpty()) {
        throw new ValidationException("repeat_every", "the cron expression '" + r.every() + "' never runs: it names no date that exists");
      }
    }
    return r;
  }

  /** An interval ("5 minutes") rather than a cron expression. */
  public boolean isInterval() {
    return schedule() instanceof Duration;
  }

  /** The first run after {@code after}. */
  public Instant next(Instant after, ZoneId defaultZone) {
    Object schedule = schedule();
    if (schedule instanceof Duration d) {
      return after.plus(d);
    }
    ZoneId zone = timezone == null ? defaultZone : ZoneId.of(timezone);
    return ((ExecutionTime) schedule).nextExecution(after.atZone(zone))
        .map(t -> t.toInstant())
        .orElseThrow(() -> new ValidationException("repeat_every", "the cron expression '" + every + "' has no run after " + after));
  }

  /** A Duration for an interval, an ExecutionTime for a cron expression. */
  private Object schedule() {
    Matcher m = INTERVAL.matcher(every.toLowerCase(Locale.ROOT));
    if (m.matches()) {
      String digits = m.group(1).replaceFirst("^0+(?=\\d)", "");
      if (digits.length() > 12) {
        throw new ValidationException("repeat_every", "must be at most 3660 days, got '" + every + "'");
      }
      long n = Long.parseLong(digits);
      String unit = m.group(2);
      Duration d;
      if (unit.startsWith("ms") || unit.startsWith("milli")) {
        d = Duration.ofMillis(n);
      } else if (unit.startsWith("s")) {
        d = Duration.ofSeconds(n);
      } else if (unit.startsWith("m")) {
        d = Duration.ofMinutes(n);
      } else if (unit.startsWith("h")) {
        d = Duration.ofHours(n);
      } else if (unit.startsWith("d")) {
        d = Duration.ofDays(n);
      } else {
        d = Duration.ofDays(7 * n);
      }
      if (d.compareTo(SHORTEST) < 0) {
        throw new ValidationException("repeat_every", "must be at least 1 second, got '" + every + "'");
      }
      if (d.compareTo(LONGEST) > 0) {
        throw new ValidationException("repeat_every", "must be at most 3660 days, got '" + every + "'");
      }
      return d;
    }
    String[] fields = every.split("\\s+");
    CronParser parser = fields.length == 6 ? WITH_SECONDS : fields.length == 5 ? UNIX : null;
    if (parser == null) {
      throw new ValidationException("repeat_every", "'" + every + "' is neither an interval (\"5 minutes\") nor a cron expression of 5 fields (or 6 with seconds first)");
    }
    try {
      Cron cron = parser.parse(every);
      cron.validate();
      return ExecutionTime.forCron(cron);
    } catch (IllegalArgumentException e) {
      throw new ValidationException("repeat_every", "bad cron expression '" + every + "': " + e.getMessage());
    }
  }
}
