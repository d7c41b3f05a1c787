package io.tef.dispatcher;

import java.time.Duration;

/** How long a failed task waits before its next attempt: base × 2^(failures − 1), capped. */
record RetryBackoff(long baseMs, long capMs) {

  Duration after(int failCount) {
    if (baseMs == 0 || failCount < 1) {
      return Duration.ZERO;
    }
    int shift = Math.min(failCount - 1, 30);
    long delay = baseMs << shift;
    return Duration.ofMillis(delay <= 0 || delay > capMs ? capMs : delay);
  }
}
