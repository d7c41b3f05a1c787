package io.tef.worker;

import io.tef.protocol.task.ResultPosition;
import io.tef.protocol.task.TaskState;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KeeperQueueTest {

  private static final Instant T0 = Instant.parse("2030-01-01T09:00:00Z");
  private static final long SETTLE = 1_000;

  private static FinishedTask task(String guid, long ms) {
    return new FinishedTask(guid, "email", TaskState.COMPLETED, null, null, T0.plusMillis(ms), new JsonObject());
  }

  private static String handle(KeeperQueue q) {
    FinishedTask t = q.next();
    if (t == null) {
      return null;
    }
    q.done();
    return t.guid();
  }

  @Test
  void whileCatchingUpOnlyResultsWithinThePagesReadAreHandedOut() {
    KeeperQueue q = new KeeperQueue(null);
    q.offer(task("live", 50), 0);           // came live while the store is read
    assertTrue(q.needsPage());
    assertNull(q.next());
    q.offer(task("a", 10), 0);
    q.offer(task("b", 20), 0);
    q.pageRead(task("b", 20).position());
    assertEquals("a", handle(q));
    assertEquals("b", handle(q));
    assertNull(q.next(), "live is after the pages read: the store may hold older ones");
    assertTrue(q.needsPage());
    q.offer(task("c", 30), 0);
    q.offer(task("live", 50), 0);           // the same result in the last page
    q.pageRead(task("live", 50).position());
    q.caughtUp();
    assertEquals("c", handle(q));
    assertEquals("live", handle(q));
    assertNull(q.next());
    assertFalse(q.needsPage());
  }

  @Test
  void aResultIsHandedOutOnceWhicheverWayItComes() {
    KeeperQueue q = new KeeperQueue(null);
    q.caughtUp();
    assertTrue(q.offer(task("a", 10), 0));
    assertFalse(q.offer(task("a", 10), 0), "waiting already");
    FinishedTask a = q.next();
    assertFalse(q.offer(task("a", 10), 0), "being handled");
    q.done();
    assertFalse(q.offer(task("a", 10), 0), "handled");
    assertEquals("a", a.guid());
    assertNull(q.next());
  }

  @Test
  void theCheckpointPassesOnlySettledResultsWithNothingEarlierWaiting() {
    ResultPosition start = new ResultPosition(T0, "");
    KeeperQueue q = new KeeperQueue(start);
    q.caughtUp();
    q.offer(task("b", 20), 0);
    assertEquals("b", handle(q));
    assertFalse(q.advance(500, SETTLE), "not settled yet");
    assertEquals(start, q.checkpoint());
    q.offer(task("a", 10), 600);            // stamped before b, written after it
    assertFalse(q.advance(1_500, SETTLE), "a waits, and it is before b");
    FinishedTask a = q.next();
    assertFalse(q.advance(1_500, SETTLE), "a is being handled");
    q.done();
    assertFalse(q.advance(1_500, SETTLE), "b has settled, but a, before it, was received only 900 ms ago");
    assertEquals(start, q.checkpoint());
    assertEquals(100, q.unsettledMs(1_500, SETTLE));
    assertTrue(q.advance(1_600, SETTLE));
    assertEquals(task("b", 20).position(), q.checkpoint());
    assertEquals("a", a.guid());
    assertEquals(0, q.unsettledMs(1_600, SETTLE));
  }

  @Test
  void aResultDroppedWhileBeingHandledHoldsTheCheckpointBack() {
    KeeperQueue q = new KeeperQueue(null);
    q.caughtUp();
    q.offer(task("a", 10), 0);
    q.offer(task("b", 20), 0);
    assertEquals("a", handle(q));
    q.next();
    q.dropInFlight();
    q.advance(10_000, SETTLE);
    assertEquals(task("a", 10).position(), q.checkpoint());
  }
}
