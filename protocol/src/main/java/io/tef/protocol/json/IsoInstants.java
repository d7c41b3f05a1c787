package io.tef.protocol.json;

import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;

/**
 * Instants as TEF's messages and documents carry them: ISO-8601 text in UTC, exactly as
 * {@link Instant#toString()} writes it and {@link Instant#parse} reads it. Every task passes a
 * handful of dates through text on its way; {@code DateTimeFormatter} made that a few percent of
 * a node's CPU, so the common form (years 1970 to 9999, {@code Z}) is written and read here by
 * arithmetic, and anything else goes to {@code java.time}.
 */
public final class IsoInstants {

  /** 10000-01-01T00:00:00Z: later instants (and any before 1970) are left to java.time. */
  private static final long MAX_FAST_SECOND = 253_402_300_800L;

  private IsoInstants() {
  }

  /** The same text as {@link Instant#toString()}; null for null. */
  public static String format(Instant i) {
    if (i == null) {
      return null;
    }
    long sec = i.getEpochSecond();
    if (sec < 0 || sec >= MAX_FAST_SECOND) {
      return i.toString();
    }
    LocalDate date = LocalDate.ofEpochDay(sec / 86_400);
    int secOfDay = (int) (sec % 86_400);
    int nano = i.getNano();
    char[] b = new char[30];
    digits(b, 0, date.getYear(), 4);
    b[4] = '-';
    digits(b, 5, date.getMonthValue(), 2);
    b[7] = '-';
    digits(b, 8, date.getDayOfMonth(), 2);
    b[10] = 'T';
    digits(b, 11, secOfDay / 3600, 2);
    b[13] = ':';
    digits(b, 14, secOfDay / 60 % 60, 2);
    b[16] = ':';
    digits(b, 17, secOfDay % 60, 2);
    int n = 19;
    if (nano != 0) {
      // As ISO_INSTANT: milliseconds, micro- or nanoseconds, whichever shows every digit that is not 0.
      b[n++] = '.';
      if (nano % 1_000_000 == 0) {
        digits(b, n, nano / 1_000_000, 3);
        n += 3;
      } else if (nano % 1_000 == 0) {
        digits(b, n, nano / 1_000, 6);
        n += 6;
      } else {
        digits(b, n, nano, 9);
        n += 9;
      }
    }
    b[n++] = 'Z';
    return new String(b, 0, n);
  }

  /**
   * Reads what {@link Instant#parse} reads (and fails as it does, with a
   * {@link DateTimeParseException}); {@code yyyy-MM-ddTHH:mm:ss[.f{1,9}]Z} without it.
   */
  public static Instant parse(CharSequence text) {
    Instant fast = fast(text);
    return fast != null ? fast : Instant.parse(text);
  }

  /**
   * A date as a store document holds it: an {@link Instant}, epoch milliseconds, ISO-8601 text,
   * or extended JSON's {@code {"$date": text or milliseconds}} (as the MongoDB client answers).
   * Null for null or anything else; a malformed text fails as {@link #parse} does.
   */
  public static Instant stored(Object v) {
    if (v instanceof java.util.Map<?, ?> m) {
      v = m.get("$date");
    } else if (v instanceof io.vertx.core.json.JsonObject o) {
      v = o.getMap().get("$date");
    }
    if (v instanceof Instant i) {
      return i;
    }
    if (v instanceof Number n) {
      return Instant.ofEpochMilli(n.longValue());
    }
    return v instanceof CharSequence text ? parse(text) : null;
  }

  /** The common form, or null to leave it to java.time (which also names what is wrong). */
  private static Instant fast(CharSequence s) {
    int len = s.length();
    if (len < 20 || len > 30 || s.charAt(len - 1) != 'Z' || s.charAt(4) != '-' || s.charAt(7) != '-' || s.charAt(10) != 'T'
        || s.charAt(13) != ':' || s.charAt(16) != ':') {
      return null;
    }
    int year = number(s, 0, 4);
    int month = number(s, 5, 2);
    int day = number(s, 8, 2);
    int hour = number(s, 11, 2);
    int minute = number(s, 14, 2);
    int second = number(s, 17, 2);
    if (year < 1970 || month < 1 || month > 12 || day < 1 || day > 28 && day > LocalDate.of(year, month, 1).lengthOfMonth()
        || (hour | minute | second) < 0 || hour > 23 || minute > 59 || second > 59) {
      return null;
    }
    int nano = 0;
    if (len > 20) {
      int digits = len - 21;
      if (s.charAt(19) != '.' || digits < 1 || digits > 9) {
        return null;
      }
      nano = number(s, 20, digits);
      if (nano < 0) {
        return null;
      }
      for (int k = digits; k < 9; k++) {
        nano *= 10;
      }
    }
    long epochDay = LocalDate.of(year, month, day).toEpochDay();
    return Instant.ofEpochSecond(epochDay * 86_400 + hour * 3600L + minute * 60L + second, nano);
  }

  /** The decimal number in {@code count} characters from {@code at}, or -1 if one is not a digit. */
  private static int number(CharSequence s, int at, int count) {
    int v = 0;
    for (int k = at; k < at + count; k++) {
      char c = s.charAt(k);
      if (c < '0' || c > '9') {
        return -1;
      }
      v = v * 10 + (c - '0');
    }
    return v;
  }

  private static void digits(char[] b, int at, int value, int count) {
    for (int k = at + count - 1; k >= at; k--) {
      b[k] = (char) ('0' + value % 10);
      value /= 10;
    }
  }
}
