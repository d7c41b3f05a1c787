package io.tef.core.store.mongo;

import io.tef.core.task.TaskIds;
import io.tef.protocol.json.IsoInstants;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.BulkOperation;
import io.vertx.ext.mongo.BulkWriteOptions;
import io.vertx.ext.mongo.FindOptions;
import io.vertx.ext.mongo.MongoClient;
import io.vertx.ext.mongo.UpdateOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * Task documents written before ids were ObjectIds (a string {@code _id}, the guid) rewritten once
 * under their ObjectId ({@link TaskIds}), the guid moved to {@code guid}. Each document is copied
 * first and its old form removed only once the copy is stored, so a stop half way loses nothing:
 * the next start copies what is left (a copy already there is found, not written twice). Done, it
 * leaves a marker in {@link #META}, so later starts ask one question and scan nothing.
 */
final class TaskIdMigration {

  private static final Logger LOG = LoggerFactory.getLogger(TaskIdMigration.class);

  /** TEF's facts about its own store layout, one document per fact. */
  static final String META = "tef_meta";
  static final String MARKER_ID = "task_ids";
  static final int CHUNK = 500;
  private static final int PROGRESS_EVERY = 100_000;

  private final MongoClient client;

  TaskIdMigration(MongoClient client) {
    this.client = client;
  }

  Future<Void> run() {
    JsonObject marker = new JsonObject().put("_id", MARKER_ID);
    return client.findOne(META, marker, null).compose(found -> {
      if (found != null) {
        return Future.succeededFuture();
      }
      long started = System.nanoTime();
      FindOptions idsOnly = new FindOptions().setFields(new JsonObject().put("_id", 1));
      return client.findWithOptions(MongoTaskStore.COLLECTION, new JsonObject().put("_id", new JsonObject().put("$type", "string")), idsOnly)
          .compose(docs -> {
            List<String> ids = new ArrayList<>(docs.size());
            docs.forEach(d -> ids.add(d.getString("_id")));
            if (!ids.isEmpty()) {
              LOG.info("Rewriting {} task documents under ObjectId ids (a store written by an earlier TEF)", ids.size());
            }
            return chunks(ids, 0).map(moved -> {
              if (moved > 0) {
                LOG.info("Rewrote {} task documents under ObjectId ids in {} ms", moved, (System.nanoTime() - started) / 1_000_000);
              }
              return null;
            });
          })
          .compose(v -> client.replaceDocumentsWithOptions(META, marker,
              marker.copy().put("objectIds", true).put("at", new JsonObject().put("$date", IsoInstants.format(java.time.Instant.now()))),
              new UpdateOptions().setUpsert(true)))
          .mapEmpty();
    });
  }

  /** The chunks one after another, as callbacks rather than nested futures (a million tasks are two thousand chunks). */
  private Future<Integer> chunks(List<String> ids, int from) {
    io.vertx.core.Promise<Integer> done = io.vertx.core.Promise.promise();
    next(ids, from, 0, done);
    return done.future();
  }

  private void next(List<String> ids, int from, int moved, io.vertx.core.Promise<Integer> done) {
    if (from >= ids.size()) {
      done.complete(moved);
      return;
    }
    List<String> chunk = ids.subList(from, Math.min(ids.size(), from + CHUNK));
    chunk(chunk).onComplete(ar -> {
      if (ar.failed()) {
        done.fail(ar.cause());
        return;
      }
      int now = moved + ar.result();
      if (now / PROGRESS_EVERY != moved / PROGRESS_EVERY) {
        LOG.info("Rewrote {} of {} task documents", now, ids.size());
      }
      next(ids, from + chunk.size(), now, done);
    });
  }

  /** One chunk: each document copied (or its copy found), then the old forms of the copied ones removed. */
  private Future<Integer> chunk(List<String> ids) {
    return client.find(MongoTaskStore.COLLECTION, new JsonObject().put("_id", new JsonObject().put("$in", new JsonArray(new ArrayList<>(ids)))))
        .compose(docs -> {
          List<BulkOperation> inserts = new ArrayList<>(docs.size());
          docs.forEach(old -> inserts.add(BulkOperation.createInsert(copyOf(old))));
          // One bulk insert; if any of it is refused (a copy left by a stop half way), each document on its own.
          return client.bulkWriteWithOptions(MongoTaskStore.COLLECTION, inserts, new BulkWriteOptions(false))
              .map(r -> docs.stream().map(d -> d.getString("_id")).toList())
              .recover(err -> oneByOne(docs));
        })
        .compose(copiedIds -> {
          JsonArray copied = new JsonArray(new ArrayList<>(copiedIds));
          if (copied.isEmpty()) {
            return Future.succeededFuture(0);
          }
          return client.removeDocuments(MongoTaskStore.COLLECTION, new JsonObject().put("_id", new JsonObject().put("$in", copied)))
              .map(r -> copied.size());
        });
  }

  private Future<List<String>> oneByOne(List<JsonObject> docs) {
    List<Future<String>> copies = new ArrayList<>(docs.size());
    for (JsonObject old : docs) {
      copies.add(copy(old));
    }
    return Future.join(copies).transform(ar -> {
      List<String> copied = new ArrayList<>();
      copies.forEach(f -> {
        if (f.succeeded()) {
          copied.add(f.result());
        }
      });
      return Future.succeededFuture(copied);
    });
  }

  private static JsonObject copyOf(JsonObject old) {
    String guid = old.getString("_id");
    return old.copy().put("_id", TaskIds.documentId(guid)).put(TaskIds.GUID, guid);
  }

  /** The document under its ObjectId; the old id once the copy is stored (or was already), failed otherwise, the old form kept. */
  private Future<String> copy(JsonObject old) {
    String guid = old.getString("_id");
    return client.insert(MongoTaskStore.COLLECTION, copyOf(old)).map(id -> guid).recover(err -> {
      if (!MongoStores.isDuplicateKey(err)) {
        LOG.error("Could not rewrite task {} under its ObjectId id; it stays as it was: {}", guid, err.getMessage());
        return Future.failedFuture(err);
      }
      return client.findOne(MongoTaskStore.COLLECTION, new JsonObject().put("_id", TaskIds.documentId(guid)), null).compose(there -> {
        if (there != null && guid.equals(there.getString(TaskIds.GUID))) {
          return Future.succeededFuture(guid);
        }
        LOG.error("Task {} cannot be rewritten under its ObjectId id: another document holds that id; it stays as it was", guid);
        return Future.failedFuture("id taken");
      });
    });
  }
}
