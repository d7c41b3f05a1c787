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
    // SHA-256("order-42"), its first 12 bytes
    assertEquals("3bf8b157c4238eefe5ae4a66", TaskIds.hex("order-42"));
    assertNotEquals("6750A1B2C3D4E5F601234567", TaskIds.hex("6750A1B2C3D4E5F601234567"), "upper case is not an ObjectId's text");
    assertTrue(TaskIds.hex("6750A1B2C3D4E5F601234567").matches("[0-9a-f]{24}"));
    assertEquals(new JsonObject().put("$oid", TaskIds.hex("g")), TaskIds.documentId("g"));
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
