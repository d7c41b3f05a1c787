package io.tef.core.store.mongo;

import io.tef.core.store.InsertOutcome;
import io.tef.core.store.SaveOutcome;
import io.tef.core.store.TaskStore;
import io.tef.core.store.TaskWrite;
import io.tef.core.store.local.LocalStore;
import io.tef.core.task.Task;
import io.tef.core.task.TaskJson;
import io.tef.core.task.TaskQuery;
import io.tef.protocol.task.ResultPosition;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@link TaskStore} on the embedded store of this JVM: the dispatch path's commands (insert, the
 * fenced replace, a read by guid, a batch of them) run in process through {@link LocalStore},
 * the same commands {@link MongoTaskStore} sends over the wire, so the same fence decides and the
 * same outcomes come back. A batch is one insert command and one update command per replace,
 * answered once one commit covers them all, so each replace says on its own whether it matched.
 * Reads too (listings, a suite's counts, the keeper's pages). Only creating the indexes and
 * closing go through the wire client.
 */
final class LocalTaskStore implements TaskStore {

  /** Documents per reply of a long read: no reply holds a whole collection, and a million tasks take a thousand. */
  private static final int BATCH = 1000;

  private final LocalStore local;
  private final String database;
  private final MongoTaskStore wire;

  LocalTaskStore(LocalStore local, String database, MongoTaskStore wire) {
    this.local = local;
    this.database = database;
    this.wire = wire;
  }

  @Override
  public Future<Void> start() {
    return wire.start();
  }

  @Override
  public Future<InsertOutcome> insert(Task task) {
    Promise<InsertOutcome> done = Promise.promise();
    writeAll(List.of(new TaskWrite.Insert(task, done)));
    return done.future();
  }

  @Override
  public Future<SaveOutcome> save(Task task) {
    Promise<SaveOutcome> done = Promise.promise();
    writeAll(List.of(new TaskWrite.Save(task, done)));
    return done.future();
  }

  @Override
  public Future<Task> find(String guid) {
    return findAll(new JsonObject().put("_id", io.tef.core.task.TaskIds.documentId(guid)), null, 1)
        .map(found -> found.isEmpty() ? null : io.tef.core.task.TaskIds.same(guid, found.get(0)));
  }

  @Override
  public void writeAll(List<TaskWrite> writes) {
    if (writes.isEmpty()) {
      return;
    }
    List<TaskWrite.Insert> inserts = new ArrayList<>();
    List<TaskWrite.Save> saves = new ArrayList<>();
    for (TaskWrite w : writes) {
      if (w instanceof TaskWrite.Insert i) {
        inserts.add(i);
      } else if (w instanceof TaskWrite.Save s) {
        saves.add(s);
      }
    }
    List<JsonObject> commands = new ArrayList<>(saves.size() + 1);
    if (!inserts.isEmpty()) {
      List<Object> docs = new ArrayList<>(inserts.size());
      inserts.forEach(i -> docs.add(TaskJson.toNativeDocument(i.task())));
      commands.add(new JsonObject().put("insert", MongoTaskStore.COLLECTION)
          .put("documents", new io.vertx.core.json.JsonArray(docs)).put("ordered", false));
    }
    for (TaskWrite.Save s : saves) {
      JsonObject update = new JsonObject().put("q", TaskFilters.fence(s.task())).put("u", TaskJson.toNativeDocument(s.task()));
      commands.add(new JsonObject().put("update", MongoTaskStore.COLLECTION)
          .put("updates", new io.vertx.core.json.JsonArray().add(update)).put("ordered", false));
    }
    run(commands).onComplete(ar -> {
      if (ar.failed()) {
        writes.forEach(w -> w.fail(ar.cause()));
        return;
      }
      List<JsonObject> replies = ar.result();
      int next = 0;
      if (!inserts.isEmpty()) {
        settleInserts(inserts, replies.get(next++));
      }
      for (TaskWrite.Save s : saves) {
        settleSave(s, replies.get(next++));
      }
    });
  }

  private void settleInserts(List<TaskWrite.Insert> inserts, JsonObject reply) {
    if (!succeeded(reply)) {
      inserts.forEach(i -> i.fail(refusal(i.task(), reply)));
      return;
    }
    Map<Integer, JsonObject> errors = writeErrors(reply);
    for (int k = 0; k < inserts.size(); k++) {
      TaskWrite.Insert insert = inserts.get(k);
      JsonObject err = errors.get(k);
      if (err == null) {
        insert.done().complete(new InsertOutcome(insert.task(), true));
      } else if (err.getInteger("code", 0) == MongoStores.DUPLICATE_KEY) {
        find(insert.task().guid()).map(existing -> new InsertOutcome(existing, false)).onComplete(insert.done());
      } else {
        insert.fail(refusal(insert.task(), err));
      }
    }
  }

  private void settleSave(TaskWrite.Save save, JsonObject reply) {
    JsonObject err = writeErrors(reply).get(0);
    if (err != null || !succeeded(reply)) {
      save.fail(refusal(save.task(), err != null ? err : reply));
    } else if (reply.getValue("n") instanceof Number n && n.longValue() > 0) {
      save.done().complete(SaveOutcome.WRITTEN);
    } else {
      find(save.task().guid()).map(SaveOutcome::refused).onComplete(save.done());
    }
  }

  private static Map<Integer, JsonObject> writeErrors(JsonObject reply) {
    Map<Integer, JsonObject> errors = new java.util.HashMap<>();
    var list = reply.getJsonArray("writeErrors");
    if (list != null) {
      list.forEach(o -> {
        JsonObject e = (JsonObject) o;
        errors.put(e.getInteger("index", 0), e);
      });
    }
    return errors;
  }

  private static IllegalStateException refusal(Task task, JsonObject err) {
    return new IllegalStateException("the store refused task " + task.guid() + ": " + err.getString("errmsg"));
  }

  /** {@code ok: 1}, as the server answers a command it ran (write errors aside). */
  private static boolean succeeded(JsonObject reply) {
    return reply.getValue("ok") instanceof Number n && n.intValue() == 1;
  }

  private static JsonObject ok(JsonObject reply) {
    if (succeeded(reply)) {
      return reply;
    }
    throw new IllegalStateException("the store refused a read: " + reply.getString("errmsg"));
  }

  /** The commands in process; the answer comes back on the caller's context, as a client's would. */
  private Future<List<JsonObject>> run(List<JsonObject> commands) {
    List<Map<String, Object>> trees = new ArrayList<>(commands.size());
    commands.forEach(c -> trees.add(LocalDocuments.tree(c)));
    Context context = Vertx.currentContext();
    var stage = local.run(database, trees).thenApply(replies -> {
      List<JsonObject> out = new ArrayList<>(replies.size());
      replies.forEach(r -> out.add(LocalDocuments.json(r)));
      return out;
    });
    return context == null ? Future.fromCompletionStage(stage) : Future.fromCompletionStage(stage, context);
  }


  @Override
  public Future<List<Task>> list(TaskQuery query) {
    return findAll(TaskFilters.list(query, TaskFilters.NATIVE_DATES), TaskFilters.NEWEST_FIRST, query.limit());
  }

  @Override
  public Future<Map<String, Long>> countByState(String suiteGuid) {
    return run(List.of(TaskFilters.countByState(suiteGuid)))
        .map(replies -> TaskFilters.counts(ok(replies.get(0)).getJsonObject("cursor").getJsonArray("firstBatch")));
  }

  @Override
  public Future<List<Task>> finishedAfter(List<String> taskTypes, ResultPosition after, int limit) {
    return findAll(TaskFilters.finishedAfter(taskTypes, after, TaskFilters.NATIVE_DATES), TaskFilters.FINISH_ORDER, limit);
  }

  @Override
  public Future<List<Task>> unfinished() {
    return findAll(TaskFilters.unfinished(), null, 0);
  }

  /** A find and, when the store answers with a cursor, its further batches; {@code limit} 0: all. */
  private Future<List<Task>> findAll(JsonObject filter, JsonObject sort, int limit) {
    JsonObject find = new JsonObject().put("find", MongoTaskStore.COLLECTION).put("filter", filter).put("batchSize", BATCH);
    if (sort != null) {
      find.put("sort", sort);
    }
    if (limit > 0) {
      find.put("limit", limit);
    }
    List<Task> tasks = new ArrayList<>();
    Promise<List<Task>> done = Promise.promise();
    next(find, "firstBatch", tasks, done);
    return done.future();
  }

  /**
   * One batch, then the next from its cursor until the store says there is none: a loop of
   * callbacks rather than of composed futures, which would complete a million tasks' worth of
   * batches nested in one another (a stack overflow).
   */
  private void next(JsonObject command, String batchKey, List<Task> tasks, Promise<List<Task>> done) {
    run(List.of(command)).onComplete(ar -> {
      try {
        if (ar.failed()) {
          done.fail(ar.cause());
          return;
        }
        JsonObject cursor = ok(ar.result().get(0)).getJsonObject("cursor");
        tasks.addAll(io.tef.core.task.ForeignDocuments.tasks(cursor.getJsonArray(batchKey).stream().toList()));
        long id = cursor.getLong("id", 0L);
        if (id == 0) {
          done.complete(tasks);
        } else {
          next(new JsonObject().put("getMore", id).put("collection", MongoTaskStore.COLLECTION).put("batchSize", BATCH),
              "nextBatch", tasks, done);
        }
      } catch (RuntimeException e) {
        done.tryFail(e);
      }
    });
  }

  @Override
  public Future<Void> close() {
    return wire.close();
  }
}
