package io.tef.dispatcher;

import io.tef.protocol.Addresses;
import io.tef.protocol.Fields;
import io.tef.protocol.Replies;
import io.tef.protocol.worker.ResultsQuery;
import io.tef.core.store.KeeperCheckpoint;
import io.tef.core.store.KeeperCheckpoints;
import io.tef.core.store.TaskStore;
import io.tef.core.task.TaskJson;
import io.tef.protocol.ValidationException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;


/**
 * The store side of keepers: answers {@link Addresses#KEEPERS_RESULTS} (the results a keeper
 * missed) and {@link Addresses#KEEPERS_CHECKPOINT} (load and save its checkpoint). Lives with the
 * dispatcher because the dispatcher owns the store; none of it touches dispatch state.
 */
final class KeeperService {

  private final TaskStore store;
  private final KeeperCheckpoints checkpoints;

  KeeperService(TaskStore store, KeeperCheckpoints checkpoints) {
    this.store = store;
    this.checkpoints = checkpoints;
  }

  /** Registers both consumers; completes once they are registered. */
  Future<Void> register(Vertx vertx) {
    return Future.all(
        vertx.eventBus().<Object>consumer(Addresses.KEEPERS_RESULTS, m -> Replies.answer(m, body -> results(ResultsQuery.fromJson(Fields.object(body))))).completion(),
        vertx.eventBus().<Object>consumer(Addresses.KEEPERS_CHECKPOINT, m -> Replies.answer(m, body -> checkpoint(Fields.object(body)))).completion())
        .mapEmpty();
  }

  private Future<JsonObject> results(ResultsQuery q) {
    return store.finishedAfter(q.taskTypes(), q.after(), q.limit()).map(tasks -> {
      JsonArray views = new JsonArray();
      tasks.forEach(t -> views.add(TaskJson.toView(t)));
      return new JsonObject().put("results", views);
    });
  }

  private Future<JsonObject> checkpoint(JsonObject message) {
    String action = Fields.requireString(message, "action");
    return switch (action) {
      case "load" -> checkpoints.load(KeeperCheckpoint.keeperName(message))
          .map(c -> new JsonObject().put("checkpoint", c == null ? null : c.toJson()));
      case "save" -> checkpoints.save(KeeperCheckpoint.fromJson(message))
          .map(c -> new JsonObject().put("checkpoint", c.toJson()));
      default -> throw new ValidationException("action", "must be load or save, got '" + action + "'");
    };
  }
}
