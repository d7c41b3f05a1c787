package io.tef.protocol.task;

import io.tef.protocol.ValidationException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Next runs are computed from a given instant, so schedules are checked without waiting for them. */
class RepeatTest {

  private static final Instant T = Instant.parse("2026-11-25T10:17:30Z");

  @ParameterizedTest
  @CsvSource({
      "5 minutes, 2026-11-25T10:22:30Z",
      "every 2 hours, 2026-11-25T12:17:30Z",
      "90s, 2026-11-25T10:19:00Z",
      "1 day, 2026-11-26T10:17:30Z",
      "1 week, 2026-12-02T10:17:30Z",
  })
  void intervalsCountFromTheGivenInstant(String every, String next) {
    assertEquals(Instant.parse(next), Repeat.parse(every, null).next(T, ZoneOffset.UTC));
  }

  @Test
  void aCronExpressionRunsOnItsNextFireTime() {
    Repeat everyQuarter = Repeat.parse("*/15 * * * *", null);
    assertEquals(Instant.parse("2026-11-25T10:30:00Z"), everyQuarter.next(T, ZoneOffset.UTC));
    assertEquals(Instant.parse("2026-11-25T10:45:00Z"), everyQuarter.next(Instant.parse("2026-11-25T10:30:00Z"), ZoneOffset.UTC));
    Repeat weekdaysAtNine = Repeat.parse("0 9 * * 1-5", null);
    assertEquals(Instant.parse("2026-11-30T09:00:00Z"), weekdaysAtNine.next(Instant.parse("2026-11-27T09:00:00Z"), ZoneOffset.UTC),
        "Friday 09:00 is followed by Monday 09:00");
    Repeat withSeconds = Repeat.parse("*/10 * * * * *", null);
    assertEquals(Instant.parse("2026-11-25T10:17:40Z"), withSeconds.next(T, ZoneOffset.UTC));
  }

  @Test
  void theTimezoneDecidesTheLocalHourAcrossDaylightSaving() {
    Repeat nineInParis = Repeat.parse("0 9 * * *", "Europe/Paris");
    assertEquals(Instant.parse("2026-03-28T08:00:00Z"), nineInParis.next(Instant.parse("2026-03-28T00:00:00Z"), ZoneOffset.UTC), "winter: UTC+1");
    assertEquals(Instant.parse("2026-03-29T07:00:00Z"), nineInParis.next(Instant.parse("2026-03-28T09:00:00Z"), ZoneOffset.UTC), "summer: UTC+2");
    Repeat nineHere = Repeat.parse("0 9 * * *", null);
    assertEquals(Instant.parse("2026-11-25T14:00:00Z"), nineHere.next(T, ZoneId.of("America/New_York")), "no zone given: the dispatcher's");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "61 * * * *|UTC|repeat_every",
      "sometimes|UTC|repeat_every",
      "0 seconds|UTC|repeat_every",
      "500 ms|UTC|repeat_every",
      "* * * *|UTC|repeat_every",
      "5 minutes|Mars/Base|repeat_timezone",
  })
  void badSchedulesNameTheField(String every, String zone, String field) {
    assertEquals(field, assertThrows(ValidationException.class, () -> Repeat.parse(every, zone)).field());
  }

  @Test
  void aTimezoneWithoutARepeatIsRefusedAndNoRepeatIsNull() {
    assertEquals("repeat_timezone", assertThrows(ValidationException.class, () -> Repeat.parse(null, "UTC")).field());
    assertNull(Repeat.parse(null, null));
  }
}
