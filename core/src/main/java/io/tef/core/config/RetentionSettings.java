package io.tef.core.config;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How long finished tasks stay in the store. Each age is a duration ({@code 90s}, {@code 30m},
 * {@code 36h}, {@code 7d}, or ISO-8601 {@code PT36H}) or {@code forever}.
 *
 * @param completed   age after which a completed task is removed
 * @param failed      the same for failed tasks
 * @param cancelled   the same for cancelled tasks
 * @param maxFinished at most this many finished tasks are kept (the oldest go first); 0: no cap
 * @param sweepMs     how often the sweeper looks
 * @param batch       tasks removed per store command (small, so the dispatch path is never held up)
 */
public record RetentionSettings(String completed, String failed, String cancelled, long maxFinished, long sweepMs, int batch) {

  private static final Pattern SHORT = Pattern.compile("(\\d{1,9})\\s*(ms|s|m|h|d)");

  /** The age after which a task that ended in this state goes; null: kept forever. */
  public Duration completedAge() {
    return age(completed, "retention.completed");
  }

  public Duration failedAge() {
    return age(failed, "retention.failed");
  }

  public Duration cancelledAge() {
    return age(cancelled, "retention.cancelled");
  }

  /** True when nothing would ever be removed: no sweeper runs. */
  public boolean keepsEverything() {
    return completedAge() == null && failedAge() == null && cancelledAge() == null && maxFinished == 0;
  }

  void validate() {
    completedAge();
    failedAge();
    cancelledAge();
    if (maxFinished < 0) {
      throw new ConfigException("retention.max_finished", "must be 0 (no cap) or a count of tasks, got " + maxFinished);
    }
    if (sweepMs < 100 || sweepMs > 86_400_000L) {
      throw new ConfigException("retention.sweep_ms", "must be 100 to 86400000, got " + sweepMs);
    }
    if (batch < 1 || batch > 10_000) {
      throw new ConfigException("retention.batch", "must be 1 to 10000, got " + batch);
    }
  }

  static Duration age(String text, String key) {
    if (text == null || text.isBlank()) {
      throw new ConfigException(key, "must be a duration (90s, 30m, 36h, 7d, PT36H) or forever, got nothing");
    }
    String t = text.trim().toLowerCase(Locale.ROOT);
    if (t.equals("forever")) {
      return null;
    }
    Matcher m = SHORT.matcher(t);
    Duration d;
    if (m.matches()) {
      long n = Long.parseLong(m.group(1));
      d = switch (m.group(2)) {
        case "ms" -> Duration.ofMillis(n);
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        case "h" -> Duration.ofHours(n);
        default -> Duration.ofDays(n);
      };
    } else {
      try {
        d = Duration.parse(text.trim());
      } catch (java.time.format.DateTimeParseException e) {
        throw new ConfigException(key, "must be a duration (90s, 30m, 36h, 7d, PT36H) or forever, got '" + text + "'");
      }
    }
    if (d.compareTo(Duration.ofSeconds(1)) < 0) {
      throw new ConfigException(key, "must be at least 1s (or forever), got '" + text + "'");
    }
    return d;
  }
}
