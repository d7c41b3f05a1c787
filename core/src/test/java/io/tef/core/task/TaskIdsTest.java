package io.tef.core.task;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TaskIdsTest {

  @Test
  void anAgendaJobsIdIsItsOwnObjectIdAndAnyOtherGuidHashes() {
    assertEquals("6750a1b2c3d4e5f601234567", TaskIds.hex("6750a1b2c3d4e5f601234567"));
    // SHA-256("order"), its first 12 bytes: no number at the end
    assertEquals(SHA_ORDER, TaskIds.hex("order"));
    assertNotEquals("6750A1B2C3D4E5F601234567", TaskIds.hex("6750A1B2C3D4E5F601234567"), "upper case is not an ObjectId's text");
    assertTrue(TaskIds.hex("6750A1B2C3D4E5F601234567").matches("[0-9a-f]{24}"));
    assertEquals(new JsonObject().put("$oid", TaskIds.hex("g")), TaskIds.documentId("g"));
  }

  /** The first 12 bytes of SHA-256("order"). */
  private static final String SHA_ORDER = "3eeb7e96e59ce40f9cb1a089";

  /** Ids are on disk: these (SHA-256 of stem + NUL + digit count, 7 bytes, then the number) never change. */
  @Test
  void numberedIdsAreTheOnesStoreFilesHold() {
    for (int round = 0; round < 2; round++) { // the second round comes from the thread's last-stem memory
      assertEquals("01e5b54a34b788000000007b", TaskIds.hex("bench-123"));
      assertEquals("01e5b54a34b788000000007c", TaskIds.hex("bench-124"));
      assertEquals("266b0dfca1daaf0000000001", TaskIds.hex("a-01"));
      assertEquals("3b2b2bf5be523ae8d4a50fff", TaskIds.hex("x999999999999"));
    }
    assertNotEquals(TaskIds.hex("bench-123").substring(0, 14), TaskIds.hex("bench-12").substring(0, 14), "another digit count, another head");
    assertNotEquals(TaskIds.hex("bench-123").substring(0, 14), TaskIds.hex("bencH-123").substring(0, 14), "another stem of that length");
  }

  @Test
  void guidsNumberedInSequenceGetIdsInSequence() {
    String a = TaskIds.hex("order-41");
    String b = TaskIds.hex("order-42");
    String c = TaskIds.hex("order-43");
    assertEquals(a.substring(0, 14), b.substring(0, 14), "one stem, one head");
    assertTrue(a.compareTo(b) < 0 && b.compareTo(c) < 0, a + " " + b + " " + c);
    assertEquals("000000002a", b.substring(14), "the number in the last 5 bytes");
    assertNotEquals(TaskIds.hex("order-1"), TaskIds.hex("order-01"), "leading zeros make another guid");
    assertNotEquals(TaskIds.hex("order-1"), TaskIds.hex("order1"), "and so does another stem");
    // More than 12 digits: the first ones belong to the stem, and neighbours stay neighbours.
    String t1 = TaskIds.hex("job-1733212345678");
    String t2 = TaskIds.hex("job-1733212345679");
    assertEquals(t1.substring(0, 14), t2.substring(0, 14));
    assertTrue(t1.compareTo(t2) < 0);
    assertTrue(TaskIds.hex("m-999999999999").matches("[0-9a-f]{24}"), "12 nines fit in 5 bytes");
  }

  @Test
  void aDocumentsGuidIsItsGuidFieldElseItsId() {
    assertEquals("g", TaskIds.guidOf(new JsonObject().put("_id", TaskIds.documentId("g")).put("guid", "g")));
    assertEquals("old", TaskIds.guidOf(new JsonObject().put("_id", "old")), "written when _id was the guid");
    assertEquals("6750a1b2c3d4e5f601234567", TaskIds.guidOf(new JsonObject().put("_id", new JsonObject().put("$oid", "6750a1b2c3d4e5f601234567"))));
  }

  @Test
  void aDocumentOfAnotherGuidUnderTheSameIdIsNeverTakenForThisTask() {
    JsonObject doc = new JsonObject().put("_id", TaskIds.documentId("a")).put("guid", "b").put("name", "echo").put("state", "queued");
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> TaskIds.stored("a", doc));
    assertTrue(e.getMessage().contains("same document id"), e.getMessage());
    JsonObject job = new JsonObject().put("_id", TaskIds.documentId("a")).put("name", "echo");
    assertTrue(assertThrows(IllegalStateException.class, () -> TaskIds.stored("a", job)).getMessage().contains("not a TEF task"));
  }
}
