package io.tef.protocol;

import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class AssignmentTest {

  @Test
  void aTaskAndAnAbandonRoundTripInTheirWireShape() {
    JsonObject view = new JsonObject().put("guid", "g1").put("task_type", "echo").put("task_data", 5);
    Assignment.Task t = new Assignment.Task(view, 3, "tef.dispatcher.instance.d1", "s3cret");
    assertEquals(new JsonObject().put("type", "task").put("task", view).put("attempt", 3).put("report_to", "tef.dispatcher.instance.d1")
        .put("attempt_token", "s3cret"), t.toJson());
    assertEquals(t, Assignment.fromJson(t.toJson()));
    Assignment.Abandon a = new Assignment.Abandon("g1", 3);
    assertEquals(new JsonObject().put("type", "abandon").put("guid", "g1").put("attempt", 3), a.toJson());
    assertEquals(a, Assignment.fromJson(a.toJson()));
    // An assignment without report_to reports to the shared address.
    Assignment.Task bare = (Assignment.Task) Assignment.fromJson(new JsonObject().put("type", "task").put("task", view).put("attempt", 1)
        .put("attempt_token", "s3cret"));
    assertEquals(Addresses.TASKS_REPORT, bare.reportTo());
  }

  @Test
  void badAssignmentsNameTheField() {
    assertEquals("type", assertThrows(ValidationException.class, () -> Assignment.fromJson(new JsonObject().put("type", "coffee"))).field());
    assertEquals("task", assertThrows(ValidationException.class,
        () -> Assignment.fromJson(new JsonObject().put("type", "task").put("task", new JsonObject()).put("attempt", 1))).field());
    assertEquals("attempt", assertThrows(ValidationException.class,
        () -> Assignment.fromJson(new JsonObject().put("type", "abandon").put("guid", "g"))).field());
    assertEquals("attempt_token", assertThrows(ValidationException.class,
        () -> Assignment.fromJson(new JsonObject().put("type", "task").put("task", new JsonObject().put("guid", "g").put("task_type", "t"))
            .put("attempt", 1))).field(), "a task comes with its attempt's token");
  }

  @Test
  void aRefusalIsReadBackFromItsFailure() {
    for (Refusal r : Refusal.values()) {
      assertEquals(r, Refusal.of(new ReplyException(ReplyFailure.RECIPIENT_FAILURE, 409, r.name().equals("NO_HANDLER") ? "no handler for x" : r.name().toLowerCase() + " with g")));
    }
    assertNull(Refusal.of(new ReplyException(ReplyFailure.RECIPIENT_FAILURE, 400, "busy")), "only 409 is a refusal");
    assertNull(Refusal.of(new ReplyException(ReplyFailure.TIMEOUT, -1, "timed out")));
    assertInstanceOf(Assignment.Abandon.class, Assignment.fromJson(new Assignment.Abandon("g", 1).toJson()));
  }
}
