package io.tef.protocol.task;

import java.time.Instant;
import java.util.Comparator;
import java.util.Objects;

/**
 * Where a terminal task stands in the order keepers read results: by the time it finished,
 * then by guid, so two tasks finished in the same millisecond still have a fixed order.
 */
public record ResultPosition(Instant finishedAt, String guid) implements Comparable<ResultPosition> {

  private static final Comparator<ResultPosition> ORDER =
      Comparator.comparing(ResultPosition::finishedAt).thenComparing(ResultPosition::guid);

  public ResultPosition {
    Objects.requireNonNull(finishedAt, "finishedAt");
    Objects.requireNonNull(guid, "guid");
  }

  @Override
  public int compareTo(ResultPosition o) {
    return ORDER.compare(this, o);
  }

  public boolean isAfter(ResultPosition o) {
    return compareTo(o) > 0;
  }
}
