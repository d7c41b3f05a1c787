package io.tef.protocol.worker;

import io.tef.protocol.ValidationException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WorkerStatusTest {

  private static JsonObject tef() {
    // What a TEF (Ruby) worker sends: host.pid names, its queue as exchange_name.
    return new JsonObject().put("type", "worker_status").put("name", "build-07.example.com.4242")
        .put("worker_type", "generic").put("exchange_name", "tef.dev.worker.build-07.example.com.4242").put("status", "ready");
  }

  private static String refused(JsonObject json) {
    return assertThrows(ValidationException.class, () -> WorkerStatus.fromJson(json)).field();
  }

  @Test
  void aTefWorkersStatusIsRead() {
    WorkerStatus s = WorkerStatus.fromJson(tef().put("instance", "3f2c-\u00e9t\u00e9").put("task_types", new JsonArray().add("a:b").add("c.d-e_f")));
    assertEquals("build-07.example.com.4242", s.name());
    assertEquals("generic", s.workerType());
    assertEquals(List.of("a:b", "c.d-e_f"), s.taskTypes());
    assertEquals("idle", s.normalized());
  }

  @Test
  void eachIdentityFieldIsBoundedAndNamedWhenRefused() {
    assertEquals("worker_type", refused(tef().put("worker_type", "a b/c")));
    assertEquals("worker_type", refused(tef().put("worker_type", "x".repeat(201))));
    assertEquals("task_types", refused(tef().put("task_types", new JsonArray().add("ok").add("no/slash"))));
    assertEquals("name", refused(tef().put("name", "n".repeat(100_000))));
    assertEquals("name", refused(tef().put("name", "two words")));
    assertEquals("name", refused(tef().put("name", "nul\u0000")));
    assertEquals("name", refused(tef().put("name", "zero\u200bwidth")));
    assertEquals("instance", refused(tef().put("instance", "i".repeat(201))));
    assertEquals("exchange_name", refused(tef().put("exchange_name", "amq.gen-1")));
    assertEquals("exchange_name", refused(tef().put("exchange_name", "line\nbreak")));
    assertEquals("exchange_name", refused(tef().put("exchange_name", "\u00e9".repeat(128)))); // 256 bytes
    WorkerStatus.fromJson(tef().put("exchange_name", "\u00e9".repeat(127)));
    WorkerStatus.fromJson(tef().put("name", "x".repeat(200)));
  }

  @Test
  void aRefusalQuotesOnlyTheStartOfTheValue() {
    ValidationException e = assertThrows(ValidationException.class, () -> WorkerStatus.fromJson(tef().put("name", "n".repeat(100_000) + "\u0001")));
    assertTrue(e.getMessage().length() < 200 && e.getMessage().contains("100001 characters"), e.getMessage());
    e = assertThrows(ValidationException.class, () -> WorkerStatus.fromJson(tef().put("worker_type", "a b/c")));
    assertTrue(e.getMessage().endsWith("got 'a b/c'"), e.getMessage());
  }

  @Test
  void aStatusMayAnnounceItsIntervalAndThatItTakesAbandon() {
    WorkerStatus plain = WorkerStatus.fromJson(tef());
    assertEquals(0, plain.pingIntervalMs(), "TEF's worker announces none");
    assertEquals(false, plain.takesAbandon());
    WorkerStatus own = WorkerStatus.fromJson(tef().put("ping_interval_ms", 20_000).put("takes_abandon", true));
    assertEquals(20_000, own.pingIntervalMs());
    assertEquals(true, own.takesAbandon());
    assertEquals(own, WorkerStatus.fromJson(own.toJson()));
    assertEquals("ping_interval_ms", refused(tef().put("ping_interval_ms", 99)));
    assertEquals("ping_interval_ms", refused(tef().put("ping_interval_ms", WorkerRegistration.MAX_PING_MS + 1)));
    assertEquals("ping_interval_ms", refused(tef().put("ping_interval_ms", "20s")));
    assertEquals("ping_interval_ms", refused(tef().put("ping_interval_ms", 1500.5)));
    assertEquals("takes_abandon", refused(tef().put("takes_abandon", "yes")));
  }

  @Test
  void aRegistrationIsBoundedTheSameWay() {
    JsonObject r = new JsonObject().put("name", "resizer-1:1").put("instance", "i-1").put("task_types", new JsonArray().add("resize"));
    WorkerRegistration.fromJson(r);
    assertEquals("name", assertThrows(ValidationException.class, () -> WorkerRegistration.fromJson(r.copy().put("name", "a b"))).field());
    assertEquals("task_types", assertThrows(ValidationException.class,
        () -> WorkerRegistration.fromJson(r.copy().put("task_types", new JsonArray().add("a b/c")))).field());
  }
}
