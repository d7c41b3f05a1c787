package io.tef.core.store.mongo;

import com.mongodb.MongoBulkWriteException;
import com.mongodb.bulk.BulkWriteError;
import io.tef.core.store.InsertOutcome;
import io.tef.core.store.SaveOutcome;
import io.tef.core.store.TaskWrite;
import io.tef.core.task.Task;
import io.tef.core.task.TaskJson;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.BulkOperation;
import io.vertx.ext.mongo.BulkWriteOptions;
import io.vertx.ext.mongo.MongoClient;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A batch of task writes as one unordered {@code bulkWrite}: inserts, and replaces fenced as
 * {@link MongoTaskStore#save} fences them. A bulk write reports which operations failed (a
 * duplicate guid is code 11000) but only how many replaces matched in all, so when fewer matched
 * than were sent, the documents are read back to tell which writes landed: each replace of a batch
 * carries a token of its own ({@link #WRITE_TOKEN}), and a write landed exactly when the stored
 * document holds its token.
 */
final class MongoTaskBatch {

  /** The field of a batched replace's token; nothing reads it but the batch that wrote it. */
  static final String WRITE_TOKEN = "writeToken";
  /** Tokens are unique within this JVM; the prefix sets them apart from other JVMs'. */
  private static final String TOKEN_PREFIX = java.util.UUID.randomUUID().toString().substring(0, 8) + ":";
  private static final AtomicLong TOKENS = new AtomicLong();

  private final MongoClient client;
  private final MongoTaskStore store;
  private final List<TaskWrite> writes;
  private final List<BulkOperation> operations = new ArrayList<>();
  /** The token of each batched replace, by index in the batch (none when the batch holds one replace). */
  private final Map<Integer, String> tokens = new HashMap<>();
  private int saves;

  MongoTaskBatch(MongoClient client, MongoTaskStore store, List<TaskWrite> writes) {
    this.client = client;
    this.store = store;
    this.writes = writes;
  }

  void run() {
    saves = (int) writes.stream().filter(w -> w instanceof TaskWrite.Save).count();
    for (int i = 0; i < writes.size(); i++) {
      TaskWrite w = writes.get(i);
      JsonObject doc = TaskJson.toDocument(w.task());
      if (w instanceof TaskWrite.Insert) {
        operations.add(BulkOperation.createInsert(doc));
      } else {
        if (saves > 1) {
          String token = TOKEN_PREFIX + TOKENS.incrementAndGet();
          tokens.put(i, token);
          doc.put(WRITE_TOKEN, token);
        }
        operations.add(BulkOperation.createReplace(TaskFilters.fence(w.task()), doc));
      }
    }
    client.bulkWriteWithOptions(MongoTaskStore.COLLECTION, operations, new BulkWriteOptions(false)).onComplete(ar -> {
      if (ar.succeeded()) {
        settle(Map.of(), ar.result().getMatchedCount());
      } else if (cause(ar.cause()) instanceof MongoBulkWriteException e) {
        Map<Integer, BulkWriteError> errors = new HashMap<>();
        e.getWriteErrors().forEach(err -> errors.put(err.getIndex(), err));
        settle(errors, e.getWriteResult().getMatchedCount());
      } else {
        writes.forEach(w -> w.fail(ar.cause()));
      }
    });
  }

  private void settle(Map<Integer, BulkWriteError> errors, long matched) {
    List<Integer> unsure = new ArrayList<>();
    int savesWithoutError = 0;
    for (int i = 0; i < writes.size(); i++) {
      TaskWrite w = writes.get(i);
      BulkWriteError err = errors.get(i);
      if (w instanceof TaskWrite.Insert insert) {
        if (err == null) {
          insert.done().complete(new InsertOutcome(insert.task(), true));
        } else if (err.getCode() == MongoStores.DUPLICATE_KEY) {
          store.find(insert.task().guid()).map(existing -> new InsertOutcome(existing, false)).onComplete(insert.done());
        } else {
          w.fail(new IllegalStateException("the store refused task " + w.task().guid() + ": " + err.getMessage()));
        }
      } else if (err != null) {
        w.fail(new IllegalStateException("the store refused task " + w.task().guid() + ": " + err.getMessage()));
      } else {
        savesWithoutError++;
        unsure.add(i);
      }
    }
    if (matched >= savesWithoutError) {
      unsure.forEach(i -> ((TaskWrite.Save) writes.get(i)).done().complete(SaveOutcome.WRITTEN));
    } else if (unsure.size() == 1) {
      TaskWrite.Save only = (TaskWrite.Save) writes.get(unsure.get(0));
      store.find(only.task().guid()).map(SaveOutcome::refused).onComplete(only.done());
    } else {
      readBack(unsure);
    }
  }

  /** Fewer replaces matched than were sent: the stored documents say which landed. */
  private void readBack(List<Integer> unsure) {
    JsonArray ids = new JsonArray();
    unsure.forEach(i -> ids.add(io.tef.core.task.TaskIds.documentId(writes.get(i).task().guid())));
    client.find(MongoTaskStore.COLLECTION, new JsonObject().put("_id", new JsonObject().put("$in", ids))).onComplete(ar -> {
      if (ar.failed()) {
        unsure.forEach(i -> writes.get(i).fail(ar.cause()));
        return;
      }
      Map<String, JsonObject> stored = new HashMap<>();
      ar.result().forEach(doc -> stored.put(io.tef.core.task.TaskIds.guidOf(doc), doc));
      for (int i : unsure) {
        TaskWrite.Save save = (TaskWrite.Save) writes.get(i);
        JsonObject doc = stored.get(save.task().guid());
        if (doc != null && tokens.get(i).equals(doc.getString(WRITE_TOKEN))) {
          save.done().complete(SaveOutcome.WRITTEN);
        } else {
          save.done().complete(SaveOutcome.refused(doc == null ? null : TaskJson.fromDocument(doc)));
        }
      }
    });
  }

  private static Throwable cause(Throwable err) {
    for (Throwable t = err; t != null; t = t.getCause()) {
      if (t instanceof MongoBulkWriteException) {
        return t;
      }
    }
    return err;
  }

}
