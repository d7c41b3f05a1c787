package io.tef.core.store.mongo;

import io.tef.core.store.KeeperCheckpoint;
import io.tef.core.store.KeeperCheckpoints;
import io.tef.protocol.json.IsoInstants;
import io.tef.protocol.task.ResultPosition;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.MongoClient;
import io.vertx.ext.mongo.UpdateOptions;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link KeeperCheckpoints} on MongoDB: one document per keeper name ({@code _id}), read and
 * written by {@code _id} only, the query the embedded store answers from its index.
 */
final class MongoKeeperCheckpoints implements KeeperCheckpoints {

  static final String COLLECTION = "keepers";

  private final MongoClient client;

  MongoKeeperCheckpoints(MongoClient client) {
    this.client = client;
  }

  @Override
  public Future<KeeperCheckpoint> load(String keeper) {
    return client.findOne(COLLECTION, new JsonObject().put("_id", keeper), null)
        .map(doc -> doc == null ? null : fromDocument(doc));
  }

  @Override
  public Future<KeeperCheckpoint> save(KeeperCheckpoint checkpoint) {
    KeeperCheckpoint stamped = new KeeperCheckpoint(checkpoint.keeper(), checkpoint.taskTypes(), checkpoint.position(),
        Instant.now().truncatedTo(ChronoUnit.MILLIS));
    return client.replaceDocumentsWithOptions(COLLECTION, new JsonObject().put("_id", stamped.keeper()),
            toDocument(stamped), new UpdateOptions().setUpsert(true))
        .map(r -> stamped);
  }

  @Override
  public Future<List<KeeperCheckpoint>> all() {
    return client.find(COLLECTION, new JsonObject()).map(docs -> docs.stream().map(MongoKeeperCheckpoints::fromDocument).toList());
  }

  static JsonObject toDocument(KeeperCheckpoint c) {
    return new JsonObject()
        .put("_id", c.keeper())
        .put("taskTypes", new JsonArray(new ArrayList<>(c.taskTypes())))
        .put("lastFinishedAt", new JsonObject().put("$date", c.position().finishedAt().toString()))
        .put("lastGuid", c.position().guid())
        .put("updatedAt", new JsonObject().put("$date", c.updatedAt().toString()));
  }

  static KeeperCheckpoint fromDocument(JsonObject d) {
    List<String> types = new ArrayList<>();
    JsonArray a = d.getJsonArray("taskTypes");
    if (a != null) {
      a.forEach(o -> types.add(String.valueOf(o)));
    }
    return new KeeperCheckpoint(d.getString("_id"), types,
        new ResultPosition(date(d.getValue("lastFinishedAt")), d.getString("lastGuid")), date(d.getValue("updatedAt")));
  }

  private static Instant date(Object v) {
    return IsoInstants.stored(v);
  }
}
