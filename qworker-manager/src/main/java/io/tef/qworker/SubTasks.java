package io.tef.qworker;

import io.tef.protocol.Addresses;
import io.tef.protocol.json.IsoInstants;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.UUID;

/**
 * Qworker's {@code schedule:task {when, name, options}} (a job asking for a sub-task): a TEF
 * submission of task type {@code name} with {@code options} as its data, due {@code when}
 * ({@code "now"}, true, a date, or Agenda's words such as {@code "in 5 minutes"}). The protocol has no
 * answer to the worker; a refusal is logged naming the field and published as an error
 * notification.
 */
final class SubTasks {

  private static final Logger LOG = LoggerFactory.getLogger(SubTasks.class);
  private static final long TIMEOUT_MS = 15_000;

  private final Vertx vertx;

  SubTasks(Vertx vertx) {
    this.vertx = vertx;
  }

  void onSchedule(JsonObject m) {
    JsonObject envelope = new JsonObject().put("type", "task").put("guid", "qworker-" + UUID.randomUUID());
    if (!(m.getValue("name") instanceof String name) || name.isBlank()) {
      refused(m, "name: must name the task type of the sub-task, got " + m.getValue("name"));
      return;
    }
    envelope.put("task_type", name);
    Object options = m.getValue("options");
    envelope.put("task_data", options == null ? new JsonObject() : options);
    Object when = m.getValue("when");
    if (when instanceof JsonObject date && date.getValue("$date") != null) {
      envelope.put("run_at", String.valueOf(date.getValue("$date")));
    } else if (when instanceof String text && !text.isBlank() && !"now".equalsIgnoreCase(text.trim())) {
      envelope.put("run_at", text.trim());
    } else if (when != null && !(when instanceof Boolean) && !(when instanceof String)) {
      refused(m, "when: must be 'now', true, a date or words such as 'in 5 minutes', got " + when);
      return;
    }
    vertx.eventBus().<JsonObject>request(Addresses.TASKS_SUBMIT, envelope,
            new DeliveryOptions().setSendTimeout(TIMEOUT_MS).addHeader(Addresses.DOOR_HEADER, "qworker"))
        .onSuccess(reply -> LOG.info("Sub-task {} of type {} submitted by a Qworker worker", envelope.getString("guid"), name))
        .onFailure(err -> refused(m, err.getMessage()));
  }

  private void refused(JsonObject m, String why) {
    LOG.warn("A Qworker schedule:task was refused: {}", why);
    vertx.eventBus().publish(Addresses.EVENTS_NOTIFICATIONS, new JsonObject().put("source_type", "manager").put("type", "log:error")
        .put("triggered_at", IsoInstants.format(java.time.Instant.now())).put("msg", "schedule:task refused: " + why)
        .put("task_id", m.getValue("name") instanceof String s ? s : null));
  }
}
