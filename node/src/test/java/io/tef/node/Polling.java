package io.tef.node;

import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

/**
 * Waiting for a state that has no event to await (a node in another process, a count renewed on
 * a timer): Awaitility polls, and a timeout names what was awaited and the last value seen, which
 * is what a failing test needs to say.
 */
final class Polling {

  private static final Duration EVERY = Duration.ofMillis(50);

  private Polling() {
  }

  /** Probes until {@code done} holds for the value and returns it; a null value counts as not yet. */
  static <T> T until(String what, Duration atMost, Callable<T> probe, Predicate<? super T> done) {
    return until(what, atMost, EVERY, probe, done);
  }

  static <T> T until(String what, Duration atMost, Duration every, Callable<T> probe, Predicate<? super T> done) {
    AtomicReference<T> last = new AtomicReference<>();
    try {
      return Awaitility.await(what).atMost(atMost).pollDelay(Duration.ZERO).pollInterval(every).pollInSameThread()
          .until(() -> {
            T value = probe.call();
            last.set(value);
            return value;
          }, value -> value != null && done.test(value));
    } catch (ConditionTimeoutException e) {
      throw new AssertionError(what + ": not within " + atMost.toSeconds() + " s; last seen: " + last.get(), e);
    }
  }

  /** Waits until the condition holds. */
  static void until(String what, Duration atMost, BooleanSupplier condition) {
    until(what, atMost, () -> condition.getAsBoolean(), Boolean::booleanValue);
  }
}
