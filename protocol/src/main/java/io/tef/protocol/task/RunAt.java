package io.tef.protocol.task;

import io.tef.protocol.ValidationException;

import io.tef.protocol.json.IsoInstants;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** When a task is due: {@code "now"}, an ISO-8601 instant, or {@code "in 5 minutes"}. */
public final class RunAt {

  /** Dates the store and every client can represent: four-digit years, after the epoch. */
  public static final Instant EARLIEST = Instant.EPOCH;
  public static final Instant LATEST = Instant.parse("9999-12-31T23:59:59Z");
  private static final Pattern RELATIVE = Pattern.compile("in\\s+(\\d{1,9})\\s+(second|minute|hour|day|week)s?", Pattern.CASE_INSENSITIVE);

  /** The instant named by {@code value}, relative to {@code now}; null or "now" is now. */
  public static Instant parse(Object value, Instant now, String field) {
    if (value == null) {
      return now;
    }
    if (!(value instanceof String s) || s.isBlank()) {
      throw new ValidationException(field, "must be \"now\", an ISO-8601 instant like 2030-01-01T09:00:00Z, or \"in N minutes\"");
    }
    String text = s.trim();
    if (text.equalsIgnoreCase("now")) {
      return now;
    }
    Matcher m = RELATIVE.matcher(text);
    if (m.matches()) {
      long n = Long.parseLong(m.group(1));
      Duration unit = switch (m.group(2).toLowerCase(Locale.ROOT)) {
        case "second" -> Duration.ofSeconds(1);
        case "minute" -> Duration.ofMinutes(1);
        case "hour" -> Duration.ofHours(1);
        case "day" -> Duration.ofDays(1);
        default -> Duration.ofDays(7);
      };
      return bounded(now.plus(unit.multipliedBy(n)), field, text);
    }
    try {
      return bounded(IsoInstants.parse(text), field, text);
    } catch (DateTimeParseException e) {
      throw new ValidationException(field, "cannot read '" + text + "': use \"now\", an ISO-8601 instant like 2030-01-01T09:00:00Z, or \"in N minutes\"");
    }
  }

  private static Instant bounded(Instant at, String field, String text) {
    if (at.isBefore(EARLIEST) || at.isAfter(LATEST)) {
      throw new ValidationException(field, "'" + text + "' lies outside " + EARLIEST + " .. " + LATEST);
    }
    return at;
  }

  private RunAt() {
  }
}
