package io.tef.dispatcher;

import io.tef.core.resource.ResourceDefinition;
import io.tef.core.resource.ResourceHold;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

class ResourceLedgerTest {

  /** A Wednesday. */
  private static final Instant NOON = Instant.parse("2026-11-25T12:00:00Z");

  private final ResourceLedger ledger = new ResourceLedger();

  private void define(String name, String json) {
    ledger.define(ResourceDefinition.parse(name, new JsonObject(json), ZoneOffset.UTC, ""));
  }

  private List<ResourceHold> take(String guid, Instant at, String... names) {
    return ledger.reserve(guid, 1, List.of(names), "me", at, new StringBuilder());
  }

  @Test
  void aMutexHasOneHolderUntilItIsReleased() {
    define("db", "{\"limit\": 1}");
    assertNotNull(take("a", NOON, "db"));
    assertNull(take("b", NOON, "db"));
    ledger.release("a", 1);
    assertNotNull(take("b", NOON, "db"));
  }

  @Test
  void aLimitOfTwoAdmitsTwoOnDistinctSlots() {
    define("printer", "{\"limit\": 2}");
    int first = take("a", NOON, "printer").get(0).slot();
    int second = take("b", NOON, "printer").get(0).slot();
    assertEquals(List.of(0, 1), List.of(first, second));
    assertNull(take("c", NOON, "printer"));
  }

  @Test
  void aTaskTakesAllItsResourcesOrNone() {
    define("db", "{\"limit\": 1}");
    define("printer", "{\"limit\": 1}");
    assertNotNull(take("a", NOON, "printer"));
    StringBuilder blockedOn = new StringBuilder();
    assertNull(ledger.reserve("b", 1, List.of("db", "printer"), "me", NOON, blockedOn));
    assertEquals("printer", blockedOn.toString());
    assertEquals(0, ledger.held("db"), "db was not kept by the task that could not have printer");
  }

  @Test
  void undefinedNamesAndUnlimitedResourcesNeverBlock() {
    define("cpu", "{\"limit\": -1}");
    for (int i = 0; i < 100; i++) {
      assertNotNull(take("t" + i, NOON, "cpu", "never-defined"));
    }
    assertEquals(100, ledger.held("cpu"));
  }

  @Test
  void anUnavailableResourceAdmitsNobody() {
    define("db", "{\"limit\": 5, \"available\": false}");
    assertNull(take("a", NOON, "db"));
  }

  @Test
  void aWindowRaisesTheLimitUntilItCloses() {
    define("api", "{\"limit\": 1, \"windows\": [{\"days\": [1,2,3,4,5], \"start\": \"09:00\", \"end\": \"17:00\", \"limit\": 2}]}");
    Instant inWindow = Instant.parse("2026-11-25T16:59:00Z");
    Instant closed = Instant.parse("2026-11-25T17:00:00Z");
    assertNotNull(take("a", inWindow, "api"));
    assertNotNull(take("b", inWindow, "api"), "two holders while the window is open");
    ledger.release("b", 1);
    assertNull(take("c", closed, "api"), "the window closed: back to one holder, and one holds it");
    ledger.release("a", 1);
    assertNotNull(take("c", closed, "api"));
    Instant saturday = Instant.parse("2026-11-28T10:00:00Z");
    assertNull(take("d", saturday, "api"), "the window is for weekdays only");
  }

  @Test
  void aWindowCanCloseAResourceOvernight() {
    define("backup-target", "{\"limit\": 3, \"windows\": [{\"days\": [3], \"start\": \"22:00\", \"end\": \"06:00\", \"available\": false}]}");
    assertNull(take("a", Instant.parse("2026-11-25T23:30:00Z"), "backup-target"), "Wednesday night");
    assertNull(take("a", Instant.parse("2026-11-26T05:59:00Z"), "backup-target"), "early Thursday is still Wednesday's window");
    assertNotNull(take("a", Instant.parse("2026-11-26T06:00:00Z"), "backup-target"));
  }

  @Test
  void slotsHeldByOtherDispatchersCount() {
    define("db", "{\"limit\": 2}");
    ledger.foreignHolds(List.of(new ResourceHold("db", 0, "x", 1, "other", NOON)));
    List<ResourceHold> mine = take("a", NOON, "db");
    assertEquals(1, mine.get(0).slot(), "slot 0 is someone else's");
    assertNull(take("b", NOON, "db"));
    ledger.foreignReleased("db", 0);
    assertEquals(0, take("b", NOON, "db").get(0).slot());
  }
}
