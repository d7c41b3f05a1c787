package io.tef.collective;

import io.tef.protocol.Fields;
import io.tef.protocol.Replies;
import io.tef.protocol.ValidationException;
import io.tef.protocol.worker.WorkerQuery;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.Comparator;

/** Answers what this collective knows of the workers; it changes nothing. */
final class WorkerQueries {

  private final KnownWorkers known;

  WorkerQueries(KnownWorkers known) {
    this.known = known;
  }

  /** TEF's get_workers: the live ones (the registry asks it before deleting a task type). */
  void onGetWorkers(Message<Object> m) {
    JsonArray list = new JsonArray();
    known.all().stream().filter(WorkerEntry::alive).forEach(w -> list.add(w.toGetWorkers()));
    m.reply(new JsonObject().put("response", list));
  }

  /** One worker's full record by name, or the summaries of those matching the query, by name. */
  void onQuery(Message<Object> m) {
    try {
      JsonObject body = Fields.object(m.body());
      String name = Fields.optionalString(body, "name");
      if (name != null) {
        WorkerEntry w = known.get(name);
        if (w == null) {
          throw new ValidationException(404, "name", "no worker named '" + name + "'");
        }
        m.reply(new JsonObject().put("worker", w.full()));
        return;
      }
      WorkerQuery q = WorkerQuery.fromJson(body);
      JsonArray list = new JsonArray();
      known.all().stream()
          .filter(w -> q.matches(w.name, w.group, w.taskTypes, w.status))
          .sorted(Comparator.comparing(w -> w.name))
          .forEach(w -> list.add(w.summary()));
      m.reply(new JsonObject().put("count", list.size()).put("workers", list));
    } catch (RuntimeException e) {
      Replies.fail(m, e);
    }
  }
}
