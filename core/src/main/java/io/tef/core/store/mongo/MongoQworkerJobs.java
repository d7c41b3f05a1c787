package io.tef.core.store.mongo;

import io.tef.core.store.QworkerJobs;
import io.tef.protocol.json.IsoInstants;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.MongoClient;
import org.bson.types.ObjectId;

import java.time.Instant;
import java.util.List;

/**
 * Agenda 0.7's job documents, written so that Agenda finds and locks them at once:
 * {@code {_id: ObjectId, name, data, type: "normal", priority, nextRunAt: now, lastModifiedBy: null}},
 * plus TEF's fence in {@code tef}. A worker's collection holds a handful of jobs at most, so
 * reading it whole is cheap on the embedded store too.
 */
final class MongoQworkerJobs implements QworkerJobs {

  private final MongoClient client;
  private final String prefix;

  MongoQworkerJobs(MongoClient client, String prefix) {
    this.client = client;
    this.prefix = prefix;
  }

  @Override
  public String collection(String worker) {
    return prefix + worker;
  }

  @Override
  public Future<String> add(String worker, Job job) {
    String id = new ObjectId().toHexString();
    JsonObject doc = new JsonObject().put("_id", oid(id)).put("name", job.taskType()).put("data", job.data())
        .put("type", "normal").put("priority", job.priority()).put("nextRunAt", new JsonObject().put("$date", IsoInstants.format(Instant.now())))
        .putNull("lastModifiedBy")
        .put("tef", new JsonObject().put("guid", job.guid()).put("attempt", job.attempt()).put("attempt_token", job.token()));
    return client.insert(collection(worker), doc).map(v -> id);
  }

  @Override
  public Future<Boolean> removeUnlocked(String worker, String jobId) {
    return client.removeDocument(collection(worker), new JsonObject().put("_id", oid(jobId)).putNull("lockedAt"))
        .map(r -> r != null && r.getRemovedCount() > 0);
  }

  @Override
  public Future<Long> removeFinished(String worker) {
    JsonObject finished = new JsonObject().put("tef", new JsonObject().put("$exists", true))
        .put("lastFinishedAt", new JsonObject().put("$ne", null)).putNull("lockedAt");
    return client.removeDocuments(collection(worker), finished).map(r -> r == null ? 0L : r.getRemovedCount());
  }

  @Override
  public Future<List<JsonObject>> jobs(String worker) {
    return client.find(collection(worker), new JsonObject().put("tef", new JsonObject().put("$exists", true)));
  }

  @Override
  public Future<Long> clear(String worker, String keepJobId) {
    JsonObject query = new JsonObject().put("tef", new JsonObject().put("$exists", true));
    if (keepJobId != null) {
      query.put("_id", new JsonObject().put("$ne", oid(keepJobId)));
    }
    return client.removeDocuments(collection(worker), query).map(r -> r == null ? 0L : r.getRemovedCount());
  }

  private static JsonObject oid(String hex) {
    return new JsonObject().put("$oid", hex);
  }
}
