package io.tef.core.store.mongo;

import io.tef.core.store.InsertOutcome;
import io.tef.core.store.SaveOutcome;
import io.tef.core.store.TaskStore;
import io.tef.core.store.TaskWrite;

import io.tef.protocol.task.ResultPosition;
import io.tef.core.task.Task;
import io.tef.core.task.TaskIds;
import io.tef.core.task.TaskJson;
import io.tef.core.task.TaskQuery;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.FindOptions;
import io.vertx.ext.mongo.IndexOptions;
import io.vertx.ext.mongo.MongoClient;

import java.util.List;

/** {@link TaskStore} on MongoDB (or the embedded MongoDB-wire store) through vertx-mongo-client. */
public final class MongoTaskStore implements TaskStore {

  public static final String COLLECTION = "tasks";

  private final MongoClient client;

  MongoTaskStore(MongoClient client) {
    this.client = client;
  }

  /** Tasks alone on a client of their own (tools and tests); a verticle goes through {@link MongoStores}. */
  public static MongoTaskStore shared(Vertx vertx, String connectionString, String database) {
    return new MongoTaskStore(MongoStores.sharedClient(vertx, connectionString, database));
  }

  /**
   * Rewrites a store written when task ids were the guid text, once (see {@link TaskIdMigration});
   * a node runs it before its dispatchers start, with no time limit, since a large store takes a
   * while. {@link #start} runs it too (a no-op once done), for a store opened by a tool.
   */
  public static Future<Void> migrateIds(Vertx vertx, String connectionString, String database) {
    return new TaskIdMigration(MongoStores.sharedClient(vertx, connectionString, database)).run();
  }

  @Override
  public Future<Void> start() {
    // Real MongoDB uses these; the embedded store answers {_id} and suiteGuid (its own suite index) from indexes either way.
    return new TaskIdMigration(client).run().compose(v -> Future.all(List.of(
        client.createIndexWithOptions(COLLECTION, new JsonObject().put("state", 1).put("name", 1), new IndexOptions().name("state_name")),
        client.createIndexWithOptions(COLLECTION, new JsonObject().put("suiteGuid", 1), new IndexOptions().name("suite")),
        client.createIndexWithOptions(COLLECTION, new JsonObject().put("createdAt", -1), new IndexOptions().name("created")),
        // retention: finished tasks by age
        client.createIndexWithOptions(COLLECTION, new JsonObject().put("state", 1).put("lastFinishedAt", 1), new IndexOptions().name("state_finished")),
        // keepers catching up: finishedAfter
        client.createIndexWithOptions(COLLECTION, new JsonObject().put("name", 1).put("state", 1).put("lastFinishedAt", 1),
            new IndexOptions().name("name_state_finished")),
        client.createIndexWithOptions(COLLECTION, new JsonObject()
            .put("name", 1).put("nextRunAt", 1).put("priority", -1).put("lockedAt", 1).put("disabled", 1),
            new IndexOptions().name("findAndLockNextJobIndex"))
        // no index on guid: a guid's document is read by its derived _id, which is unique already
    ))).mapEmpty();
  }

  @Override
  public Future<InsertOutcome> insert(Task task) {
    return client.insert(COLLECTION, TaskJson.toDocument(task))
        .map(id -> new InsertOutcome(task, true))
        .recover(err -> MongoStores.isDuplicateKey(err)
            ? find(task.guid()).map(existing -> new InsertOutcome(existing, false))
            : Future.failedFuture(err));
  }

  @Override
  public Future<Task> find(String guid) {
    return client.findOne(COLLECTION, new JsonObject().put("_id", TaskIds.documentId(guid)), null)
        .map(doc -> TaskIds.stored(guid, doc));
  }

  /**
   * One replace filtered by {@code _id} and the fence of {@link TaskStore#save}, so the check and
   * the write are one step in the store; nothing matched: refused, and the stored task is read
   * back to say why (the rare path).
   */
  @Override
  public Future<SaveOutcome> save(Task task) {
    return client.replaceDocuments(COLLECTION, TaskFilters.fence(task), TaskJson.toDocument(task))
        .compose(r -> r != null && r.getDocMatched() > 0
            ? Future.succeededFuture(SaveOutcome.WRITTEN)
            : find(task.guid()).map(SaveOutcome::refused));
  }

  /** One unordered bulk write for the whole batch (see {@link MongoTaskBatch}). */
  @Override
  public void writeAll(List<TaskWrite> writes) {
    if (writes.size() == 1) {
      TaskStore.super.writeAll(writes);
    } else if (!writes.isEmpty()) {
      new MongoTaskBatch(client, this, writes).run();
    }
  }

  @Override
  public Future<List<Task>> list(TaskQuery q) {
    FindOptions options = new FindOptions().setLimit(q.limit()).setSort(TaskFilters.NEWEST_FIRST);
    return client.findWithOptions(COLLECTION, TaskFilters.list(q, TaskFilters.WIRE_DATES), options)
        .map(io.tef.core.task.ForeignDocuments::tasks);
  }

  @Override
  public Future<java.util.Map<String, Long>> countByState(String suiteGuid) {
    return client.runCommand("aggregate", TaskFilters.countByState(suiteGuid))
        .map(reply -> TaskFilters.counts(reply.getJsonObject("cursor").getJsonArray("firstBatch")));
  }

  @Override
  public Future<List<Task>> finishedAfter(List<String> taskTypes, ResultPosition after, int limit) {
    FindOptions options = new FindOptions().setLimit(limit).setSort(TaskFilters.FINISH_ORDER);
    return client.findWithOptions(COLLECTION, TaskFilters.finishedAfter(taskTypes, after, TaskFilters.WIRE_DATES), options)
        .map(io.tef.core.task.ForeignDocuments::tasks);
  }

  @Override
  public Future<List<Task>> unfinished() {
    return client.find(COLLECTION, TaskFilters.unfinished())
        .map(io.tef.core.task.ForeignDocuments::tasks);
  }

  @Override
  public Future<Void> close() {
    return client.close();
  }
}
