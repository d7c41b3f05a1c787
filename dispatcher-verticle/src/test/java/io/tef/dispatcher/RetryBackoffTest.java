package io.tef.dispatcher;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;

class RetryBackoffTest {

  @Test
  void doublesFromTheBaseUpToTheCap() {
    RetryBackoff b = new RetryBackoff(1000, 5000);
    assertEquals(Duration.ofMillis(1000), b.after(1));
    assertEquals(Duration.ofMillis(2000), b.after(2));
    assertEquals(Duration.ofMillis(4000), b.after(3));
    assertEquals(Duration.ofMillis(5000), b.after(4));
    assertEquals(Duration.ofMillis(5000), b.after(200), "no overflow for many failures");
  }

  @Test
  void zeroBaseMeansNoWait() {
    assertEquals(Duration.ZERO, new RetryBackoff(0, 0).after(3));
  }
}
