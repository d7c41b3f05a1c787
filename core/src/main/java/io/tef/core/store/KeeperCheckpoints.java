package io.tef.core.store;

import io.vertx.core.Future;
import io.vertx.ext.mongo.MongoClient;
import io.vertx.ext.mongo.UpdateOptions;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * The {@code keepers} collection: one document per keeper name ({@code _id}), read and written
 * by {@code _id} only, the query the embedded store answers from its index.
 */
public final class KeeperCheckpoints {

  public static final String COLLECTION = "keepers";

  private final MongoClient client;

  KeeperCheckpoints(MongoClient client) {
    this.client = client;
  }

  /** The keeper's checkpoint, or null when it has none yet. */
  public Future<KeeperCheckpoint> load(String keeper) {
    return client.findOne(COLLECTION, new JsonObject().put("_id", keeper), null)
        .map(doc -> doc == null ? null : KeeperCheckpoint.fromDocument(doc));
  }

  /** Writes the checkpoint over the keeper's old one (or creates it), stamped with the time of the write. */
  public Future<KeeperCheckpoint> save(KeeperCheckpoint checkpoint) {
    KeeperCheckpoint stamped = new KeeperCheckpoint(checkpoint.keeper(), checkpoint.taskTypes(), checkpoint.position(),
        Instant.now().truncatedTo(ChronoUnit.MILLIS));
    return client.replaceDocumentsWithOptions(COLLECTION, new JsonObject().put("_id", stamped.keeper()),
            stamped.toDocument(), new UpdateOptions().setUpsert(true))
        .map(r -> stamped);
  }
}
