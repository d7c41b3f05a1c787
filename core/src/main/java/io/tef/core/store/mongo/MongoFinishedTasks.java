package io.tef.core.store.mongo;

import io.tef.core.store.FinishedTasks;
import io.tef.protocol.json.IsoInstants;
import io.tef.protocol.task.TaskState;
import io.tef.core.task.TaskIds;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.FindOptions;
import io.vertx.ext.mongo.MongoClient;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;

/**
 * {@link FinishedTasks} over the wire client: retention is off the dispatch path, so it takes no
 * share of the in-process store path. Reads fetch the ids alone.
 */
final class MongoFinishedTasks implements FinishedTasks {

  private static final JsonObject ID_ONLY = new JsonObject().put("_id", 1).put(TaskIds.GUID, 1);
  private static final JsonArray FINISHED = new JsonArray(Arrays.stream(TaskState.values()).filter(TaskState::terminal).map(TaskState::wire).toList());

  private final MongoClient client;

  MongoFinishedTasks(MongoClient client) {
    this.client = client;
  }

  @Override
  public Future<List<String>> endedBefore(String state, Instant before, List<String> onlyTypes, List<String> exceptTypes, int limit) {
    JsonObject filter = new JsonObject().put("state", state)
        .put("lastFinishedAt", new JsonObject().put("$lt", TaskFilters.WIRE_DATES.apply(before)));
    if (onlyTypes != null) {
      filter.put("name", new JsonObject().put("$in", new JsonArray(List.copyOf(onlyTypes))));
    } else if (exceptTypes != null && !exceptTypes.isEmpty()) {
      filter.put("name", new JsonObject().put("$nin", new JsonArray(List.copyOf(exceptTypes))));
    }
    return ids(filter, limit);
  }

  @Override
  public Future<Long> count() {
    return client.count(MongoTaskStore.COLLECTION, new JsonObject().put("state", new JsonObject().put("$in", FINISHED)));
  }

  @Override
  public Future<List<Ended>> oldest(int limit) {
    FindOptions options = new FindOptions().setFields(new JsonObject().put("_id", 1).put(TaskIds.GUID, 1).put("name", 1).put("lastFinishedAt", 1))
        .setLimit(limit).setSort(new JsonObject().put("lastFinishedAt", 1));
    return client.findWithOptions(MongoTaskStore.COLLECTION, new JsonObject().put("state", new JsonObject().put("$in", FINISHED)), options)
        .map(docs -> docs.stream().map(d -> new Ended(TaskIds.guidOf(d), d.getString("name"), date(d.getValue("lastFinishedAt")))).toList());
  }

  private static Instant date(Object v) {
    Instant d = IsoInstants.stored(v);
    return d == null ? Instant.EPOCH : d;
  }

  @Override
  public Future<Long> remove(List<String> guids) {
    if (guids.isEmpty()) {
      return Future.succeededFuture(0L);
    }
    JsonArray ids = new JsonArray();
    guids.forEach(guid -> ids.add(TaskIds.documentId(guid)));
    JsonObject filter = new JsonObject().put("_id", new JsonObject().put("$in", ids))
        .put("state", new JsonObject().put("$in", FINISHED));
    return client.removeDocuments(MongoTaskStore.COLLECTION, filter).map(r -> r == null ? 0L : r.getRemovedCount());
  }

  /** Unsorted: every match goes, and a sort without an index (the embedded store) reads them all first. */
  private Future<List<String>> ids(JsonObject filter, int limit) {
    FindOptions options = new FindOptions().setFields(ID_ONLY).setLimit(limit);
    return client.findWithOptions(MongoTaskStore.COLLECTION, filter, options)
        .map(docs -> docs.stream().map(TaskIds::guidOf).toList());
  }
}
