package io.tef.gateway.live;

import io.vertx.core.json.JsonArray;

import java.util.Arrays;

/**
 * One second of the fabric as the dashboard draws it: tasks that ended in it by state, and the
 * submit-to-start wait of those that ran at their first attempt (median and 99th percentile, ms;
 * -1 when none did).
 */
record Second(long at, int completed, int failed, int cancelled, int latencyP50, int latencyP99) {

  JsonArray toJson() {
    return new JsonArray().add(at).add(completed).add(failed).add(cancelled).add(latencyP50).add(latencyP99);
  }

  /** The names of {@link #toJson()}'s columns, sent once with the history. */
  static JsonArray columns() {
    return new JsonArray().add("at").add("completed").add("failed").add("cancelled").add("latency_p50_ms").add("latency_p99_ms");
  }

  /** What one second collects as task ends arrive; {@link #close} turns it into a {@link Second} and starts afresh. */
  static final class Builder {

    /** Waits kept per second for the percentiles: enough for them, bounded whatever the load. */
    static final int MAX_SAMPLES = 4096;

    private int completed;
    private int failed;
    private int cancelled;
    private final int[] waits = new int[MAX_SAMPLES];
    private int samples;
    private long seen;

    void ended(String state, long waitMs) {
      switch (state) {
        case "completed" -> completed++;
        case "failed" -> failed++;
        case "cancelled" -> cancelled++;
        default -> { }
      }
      if (waitMs >= 0) {
        // Reservoir sampling keeps an even sample however many tasks end this second.
        seen++;
        int w = (int) Math.min(waitMs, Integer.MAX_VALUE);
        if (samples < MAX_SAMPLES) {
          waits[samples++] = w;
        } else {
          long slot = java.util.concurrent.ThreadLocalRandom.current().nextLong(seen);
          if (slot < MAX_SAMPLES) {
            waits[(int) slot] = w;
          }
        }
      }
    }

    boolean idle() {
      return completed == 0 && failed == 0 && cancelled == 0;
    }

    Second close(long at) {
      int p50 = -1;
      int p99 = -1;
      if (samples > 0) {
        int[] sorted = Arrays.copyOf(waits, samples);
        Arrays.sort(sorted);
        p50 = sorted[(int) Math.ceil(0.50 * samples) - 1];
        p99 = sorted[(int) Math.ceil(0.99 * samples) - 1];
      }
      Second s = new Second(at, completed, failed, cancelled, p50, p99);
      completed = 0;
      failed = 0;
      cancelled = 0;
      samples = 0;
      seen = 0;
      return s;
    }
  }
}
