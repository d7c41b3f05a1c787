package io.tef.core.store.mongo;

import io.tef.core.store.ForeignJobs;
import io.tef.core.task.Task;
import io.tef.core.task.TaskJson;
import io.tef.protocol.json.IsoInstants;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.FindOptions;
import io.vertx.ext.mongo.MongoClient;

import java.time.Instant;
import java.util.List;

/**
 * {@link ForeignJobs} over the wire client. {@code state: null} is what the embedded store answers
 * from its walk of the documents without a state, so an empty take-in reads nothing else.
 */
final class MongoForeignJobs implements ForeignJobs {

  private final MongoClient client;

  MongoForeignJobs(MongoClient client) {
    this.client = client;
  }

  @Override
  public Future<List<Job>> waiting(int limit) {
    JsonObject query = new JsonObject()
        .put("state", null)
        .put("_id", new JsonObject().put("$type", "objectId"))
        .put("lockedAt", null)
        .put("disabled", new JsonObject().put("$ne", true))
        .put("nextRunAt", new JsonObject().put("$ne", null));
    return client.findWithOptions(MongoTaskStore.COLLECTION, query, new FindOptions().setLimit(limit))
        .map(docs -> docs.stream().map(d -> new Job(d.getJsonObject("_id").getString("$oid"), d)).toList());
  }

  @Override
  public Future<Boolean> takeIn(Job job, Task task) {
    return client.replaceDocuments(MongoTaskStore.COLLECTION, untaken(job).put("lockedAt", null), TaskJson.toDocument(task))
        .map(r -> r != null && r.getDocMatched() > 0);
  }

  @Override
  public Future<Void> refuse(Job job, String reason) {
    JsonObject set = new JsonObject().put("$set", new JsonObject().put("disabled", true).put("failReason", reason)
        .put("failedAt", new JsonObject().put("$date", IsoInstants.format(Instant.now()))));
    return client.updateCollection(MongoTaskStore.COLLECTION, untaken(job), set).mapEmpty();
  }

  private static JsonObject untaken(Job job) {
    return new JsonObject().put("_id", new JsonObject().put("$oid", job.id())).put("state", null);
  }
}
