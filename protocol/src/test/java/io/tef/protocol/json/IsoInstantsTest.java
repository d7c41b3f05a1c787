package io.tef.protocol.json;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The fast forms write and read exactly what java.time does. */
class IsoInstantsTest {

  private static final SplittableRandom RANDOM = new SplittableRandom(20261203);

  @Test
  void writesWhatInstantToStringWritesAndReadsItBack() {
    for (int k = 0; k < 200_000; k++) {
      long sec = RANDOM.nextLong(-100_000_000_000L, 400_000_000_000L);
      int nano = switch (k % 4) {
        case 0 -> 0;
        case 1 -> RANDOM.nextInt(1000) * 1_000_000;
        case 2 -> RANDOM.nextInt(1_000_000) * 1_000;
        default -> RANDOM.nextInt(1_000_000_000);
      };
      Instant i = Instant.ofEpochSecond(sec, nano);
      String text = IsoInstants.format(i);
      assertEquals(i.toString(), text);
      assertEquals(i, IsoInstants.parse(text), text);
    }
    assertNull(IsoInstants.format(null));
    for (Instant edge : List.of(Instant.EPOCH, Instant.ofEpochSecond(253_402_300_799L, 999_999_999), Instant.ofEpochSecond(253_402_300_800L),
        Instant.ofEpochSecond(-1), Instant.parse("2024-02-29T23:59:59.000000001Z"))) {
      assertEquals(edge.toString(), IsoInstants.format(edge));
      assertEquals(edge, IsoInstants.parse(edge.toString()));
    }
  }

  @Test
  void readsEveryOtherTextAsInstantParseDoes() {
    List<String> texts = List.of("2026-12-03T16:00:00.5Z", "2026-12-03T16:00:00.123456Z", "2026-12-03t16:00:00z", "2026-12-03T16:00:00+01:00",
        "2026-02-29T00:00:00Z", "2024-02-29T00:00:00Z", "2026-04-31T00:00:00Z", "2026-13-01T00:00:00Z", "2026-00-01T00:00:00Z",
        "2026-12-03T24:00:00Z", "2026-12-03T23:59:60Z", "2026-12-03T23:60:00Z", "1969-12-31T23:59:59Z", "+12026-12-03T16:00:00Z",
        "2026-12-03T16:00:00.Z", "2026-12-03T16:00:00.1234567890Z", "2026-12-03T16:00:00", "2026-12-03 16:00:00Z", "2026-1a-03T16:00:00Z",
        "2026-12-03T16:00:0xZ", "2026-12-03T16:00:00.12a4Z", "", "Z", "2026-12-03T16:00:00.000Z");
    for (String t : texts) {
      Instant expected;
      try {
        expected = Instant.parse(t);
      } catch (DateTimeParseException e) {
        assertThrows(DateTimeParseException.class, () -> IsoInstants.parse(t), t);
        continue;
      }
      assertEquals(expected, IsoInstants.parse(t), t);
    }
  }
}
