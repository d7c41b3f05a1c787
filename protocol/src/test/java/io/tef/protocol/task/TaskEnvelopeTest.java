package io.tef.protocol.task;

import io.tef.protocol.ValidationException;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TaskEnvelopeTest {

  @Test
  void missingFieldsTakeTefDefaults() {
    TaskEnvelope e = TaskEnvelope.parse(new JsonObject().put("task_type", "echo"), TaskDefaults.TEF);
    assertEquals("echo", e.taskType());
    assertEquals(1, e.priority());
    assertEquals(600, e.timeLimit());
    assertEquals(3, e.maxAttempts());
    assertNull(e.guid());
    assertEquals(List.of(), e.resources());
  }

  @Test
  void fullEnvelopeIsKeptAsGiven() {
    JsonObject data = new JsonObject().put("message", "hi");
    TaskEnvelope e = TaskEnvelope.parse(new JsonObject().put("type", "task").put("task_type", "echo").put("guid", "g-1")
        .put("priority", 5).put("resources", "db| printer|db").put("time_limit", 30).put("task_data", data)
        .put("suite_guid", "s-1"), TaskDefaults.TEF);
    assertEquals("g-1", e.guid());
    assertEquals(5, e.priority());
    assertEquals(List.of("db", "printer"), e.resources());
    assertEquals(30, e.timeLimit());
    assertEquals(data, e.taskData());
    assertEquals("s-1", e.suiteGuid());
  }

  @Test
  void resourcesMayBeAList() {
    TaskEnvelope e = TaskEnvelope.parse(new JsonObject().put("task_type", "echo")
        .put("resources", new JsonArray().add("a").add("b")), TaskDefaults.TEF);
    assertEquals(List.of("a", "b"), e.resources());
  }

  @ParameterizedTest(name = "{0} -> field {1}")
  @CsvSource(delimiter = '|', value = {
      "{}                                                  | task_type",
      "{\"task_type\": 7}                                  | task_type",
      "{\"task_type\": \"\"}                               | task_type",
      "{\"task_type\": \"a b\"}                            | task_type",
      "{\"task_type\": \"echo\", \"priority\": \"high\"}   | priority",
      "{\"task_type\": \"echo\", \"priority\": 1.5}        | priority",
      "{\"task_type\": \"echo\", \"time_limit\": -5}       | time_limit",
      "{\"task_type\": \"echo\", \"time_limit\": 0}        | time_limit",
      "{\"task_type\": \"echo\", \"max_attempts\": 0}      | max_attempts",
      "{\"task_type\": \"echo\", \"resources\": 5}         | resources",
      "{\"task_type\": \"echo\", \"resources\": [1]}       | resources",
      "{\"task_type\": \"echo\", \"resources\": {}}        | resources",
      "{\"task_type\": \"echo\", \"guid\": 12}             | guid",
      "{\"task_type\": \"echo\", \"guid\": \" \"}          | guid",
      "{\"task_type\": \"echo\", \"suite_guid\": true}     | suite_guid",
      "{\"task_type\": \"echo\", \"type\": \"set_state\"}  | type",
      "{\"task_type\": \"echo\", \"priorty\": 3}           | priorty",
      "{\"task_type\": \"echo\", \"guid\": \"a\\u0000b\"}     | guid",
      "{\"task_type\": \"echo\", \"guid\": \"a\\r\\nb\"}      | guid",
      "{\"task_type\": \"echo\", \"guid\": \"\\u007f\"}      | guid",
      "{\"task_type\": \"echo\", \"guid\": \"\\ud800\"}      | guid",
      "{\"task_type\": \"echo\", \"guid\": \".\"}          | guid",
      "{\"task_type\": \"echo\", \"guid\": \"..\"}         | guid",
      "{\"task_type\": \"echo\", \"guid\": \"a/b\"}        | guid",
      "{\"task_type\": \"echo\", \"suite_guid\": \"s 1\"}  | suite_guid",
      "{\"task_type\": \"echo\", \"resources\": \"\\u0000\"} | resources",
      "{\"task_type\": \"echo\", \"task_data\": {\"k\": \"\\udfff\"}} | task_data.k",
      "{\"task_type\": \"echo\", \"task_data\": {\"a\\u0000\": 1}} | task_data",
      "{\"task_type\": \"echo\", \"run_at\": \"+999999999-12-31T23:59:59Z\"} | run_at",
      "{\"task_type\": \"echo\", \"run_at\": \"1900-01-01T00:00:00Z\"} | run_at",
      "{\"task_type\": \"echo\", \"run_at\": \"in 999999999 weeks\"} | run_at",
      "{\"task_type\": \"echo\", \"repeat_every\": \"1000000000000 days\"} | repeat_every",
      "{\"task_type\": \"echo\", \"repeat_every\": \"9223372036854775807 ms\"} | repeat_every",
      "{\"task_type\": \"echo\", \"repeat_every\": \"9223372036854775807 days\"} | repeat_every",
      "{\"task_type\": \"echo\", \"repeat_every\": \"every 99999999999999999999 s\"} | repeat_every",
      "{\"task_type\": \"echo\", \"repeat_every\": \"0 0 30 2 *\"} | repeat_every",
      "{\"task_type\": \"echo\", \"repeat_every\": \"0 0 0 31 4 *\"} | repeat_every",
  })
  void badEnvelopesNameTheField(String json, String field) {
    ValidationException e = assertThrows(ValidationException.class, () -> TaskEnvelope.parse(new JsonObject(json), TaskDefaults.TEF));
    assertEquals(field, e.field());
    assertEquals(400, e.status());
    assertTrue(e.getMessage().length() > 5, e.getMessage());
    assertEquals(field, e.toJson().getString("field"));
  }

  @Test
  void taskDataNestedBeyondTheLimitIsRefusedWithoutDeepRecursion() {
    JsonObject data = new JsonObject();
    JsonObject inner = data;
    for (int i = 0; i < 900; i++) {
      JsonObject next = new JsonObject();
      inner.put("d", next);
      inner = next;
    }
    ValidationException e = assertThrows(ValidationException.class,
        () -> TaskEnvelope.parse(new JsonObject().put("task_type", "echo").put("task_data", data), TaskDefaults.TEF));
    assertTrue(e.field().startsWith("task_data.d.d"), e.field());
    assertTrue(e.getMessage().contains("limits.max_depth"), e.getMessage());
    assertEquals(400, e.status());
  }

  @Test
  void guidsOfTheSafeAlphabetAndLongestIntervalsAreAccepted() {
    TaskEnvelope e = TaskEnvelope.parse(new JsonObject().put("task_type", "echo").put("guid", "order:42@shop+eu=1~a_b-c.d")
        .put("repeat_every", "3660 days"), TaskDefaults.TEF);
    assertEquals("order:42@shop+eu=1~a_b-c.d", e.guid());
    assertThrows(ValidationException.class, () -> TaskEnvelope.parse(new JsonObject().put("task_type", "echo").put("repeat_every", "3661 days"), TaskDefaults.TEF));
  }

  @org.junit.jupiter.api.Test
  void aUniqueKeyChoosesTheGuidWhateverTheOrderOfItsFields() {
    TaskDefaults d = new TaskDefaults(1, 600, 3);
    TaskEnvelope a = TaskEnvelope.parse(new io.vertx.core.json.JsonObject("{\"task_type\": \"mail\", \"unique\": {\"user\": 5, \"kind\": \"digest\"}}"), d);
    TaskEnvelope b = TaskEnvelope.parse(new io.vertx.core.json.JsonObject("{\"task_type\": \"mail\", \"unique\": {\"kind\": \"digest\", \"user\": 5}}"), d);
    TaskEnvelope other = TaskEnvelope.parse(new io.vertx.core.json.JsonObject("{\"task_type\": \"mail\", \"unique\": {\"kind\": \"digest\", \"user\": 6}}"), d);
    org.junit.jupiter.api.Assertions.assertEquals(a.guid(), b.guid());
    org.junit.jupiter.api.Assertions.assertNotEquals(a.guid(), other.guid());
    org.junit.jupiter.api.Assertions.assertTrue(a.keyed());
    org.junit.jupiter.api.Assertions.assertEquals("unique", org.junit.jupiter.api.Assertions.assertThrows(ValidationException.class,
        () -> TaskEnvelope.parse(new io.vertx.core.json.JsonObject("{\"task_type\": \"mail\", \"guid\": \"g\", \"unique\": \"k\"}"), d)).field());
    TaskEnvelope repeating = TaskEnvelope.parse(new io.vertx.core.json.JsonObject("{\"task_type\": \"report\", \"repeat_every\": \"1 hour\"}"), d);
    org.junit.jupiter.api.Assertions.assertEquals("single:report", repeating.guid(), "Agenda's single: one document per repeating type");
  }

  /** tef-manager's spec envelope has a field TEF does not read: the AMQP door keeps it under extra, the others refuse it. */
  @Test
  void unknownFieldsAreKeptUnderExtraOnlyWhenTheDoorAsksForIt() {
    JsonObject spec = new JsonObject().put("type", "task").put("task_type", "type_foo").put("guid", "task_foo")
        .put("priority", 5).put("data", "manager test suite");
    ValidationException strict = assertThrows(ValidationException.class, () -> TaskEnvelope.parse(spec, TaskDefaults.TEF));
    assertEquals("data", strict.field());

    JsonObject kept = TaskEnvelope.keepingUnknownFields(spec);
    assertEquals(new JsonObject().put("data", "manager test suite"), kept.getJsonObject("extra"));
    assertNull(kept.getValue("data"));
    TaskEnvelope e = TaskEnvelope.parse(kept, TaskDefaults.TEF);
    assertEquals(new JsonObject().put("data", "manager test suite"), e.extra());
    assertEquals(5, e.priority());
    assertTrue(TaskEnvelope.keepingUnknownFields(new JsonObject().put("task_type", "t")).fieldNames().equals(java.util.Set.of("task_type")),
        "nothing to keep: nothing added");

    JsonObject both = spec.copy().put("extra", new JsonObject().put("mine", 1));
    assertEquals(new JsonObject().put("mine", 1).put("data", "manager test suite"), TaskEnvelope.keepingUnknownFields(both).getJsonObject("extra"));
    ValidationException twice = assertThrows(ValidationException.class,
        () -> TaskEnvelope.keepingUnknownFields(spec.copy().put("extra", new JsonObject().put("data", 2))));
    assertEquals("extra.data", twice.field());
    ValidationException notObject = assertThrows(ValidationException.class,
        () -> TaskEnvelope.parse(new JsonObject().put("task_type", "t").put("extra", "x"), TaskDefaults.TEF));
    assertEquals("extra", notObject.field());
  }
}
