package io.tef.dispatcher;

import io.tef.protocol.ErrorBody;
import io.tef.protocol.Replies;
import io.tef.protocol.ValidationException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Many envelopes in one message. Each is validated and stored on its own, as a single submission
 * is, so a bad item is named in the answer and refuses nothing else; submitted in one turn of the
 * event loop, their inserts share the store's bulk writes (group commit). The answer lists an
 * item per envelope, in order: its index, guid and status (201 created, 200 the guid existed, an
 * error's status with its error body), and the counts: accepted (stored now or before), created,
 * refused.
 */
final class BulkSubmission {

  private static final Logger LOG = LoggerFactory.getLogger(BulkSubmission.class);

  /** Envelopes in one message at most: a bigger batch gains nothing and holds the loop longer. */
  static final int MAX_ITEMS = 10_000;

  private BulkSubmission() {
  }

  static Future<JsonObject> submit(JsonArray envelopes, Function<JsonObject, Future<JsonObject>> one) {
    if (envelopes.isEmpty()) {
      throw new ValidationException(null, "the array is empty; a bulk submission is an array of 1 to " + MAX_ITEMS + " task envelopes");
    }
    if (envelopes.size() > MAX_ITEMS) {
      throw new ValidationException(413, null, "the array holds " + envelopes.size() + " envelopes; at most " + MAX_ITEMS + " go in one bulk submission");
    }
    List<Future<JsonObject>> items = new ArrayList<>(envelopes.size());
    for (int i = 0; i < envelopes.size(); i++) {
      items.add(item(i, envelopes.getValue(i), one));
    }
    return Future.join(items).transform(ignored -> {
      JsonArray results = new JsonArray();
      int accepted = 0;
      int created = 0;
      for (Future<JsonObject> item : items) {
        JsonObject r = item.result();
        int status = r.getInteger("status");
        accepted += status < 300 ? 1 : 0;
        created += status == 201 ? 1 : 0;
        results.add(r);
      }
      return Future.succeededFuture(new JsonObject().put("accepted", accepted).put("created", created).put("refused", envelopes.size() - accepted).put("results", results));
    });
  }

  /** One item's answer; never a failed future. */
  private static Future<JsonObject> item(int index, Object envelope, Function<JsonObject, Future<JsonObject>> one) {
    Future<JsonObject> submitted;
    if (!(envelope instanceof JsonObject e)) {
      submitted = Future.failedFuture(new ValidationException("[" + index + "]", "each item must be a JSON object: a task envelope"));
    } else {
      try {
        submitted = one.apply(e);
      } catch (RuntimeException err) {
        submitted = Future.failedFuture(err);
      }
    }
    return submitted.transform(ar -> {
      JsonObject r = new JsonObject().put("index", index);
      if (ar.succeeded()) {
        boolean created = ar.result().getBoolean("created", false);
        JsonObject task = ar.result().getJsonObject("task");
        r.put("status", created ? 201 : 200).put("guid", task.getString("guid")).put("state", task.getString("state"));
        if (ar.result().getBoolean("updated", false)) {
          r.put("updated", true);
        }
      } else if (ar.cause() instanceof ValidationException v) {
        r.put("status", v.status()).put("error", v.toJson());
      } else if (ar.cause() instanceof io.vertx.core.eventbus.ReplyException) {
        r.put("status", Replies.status(ar.cause())).put("error", Replies.errorBody(ar.cause()));
      } else {
        LOG.error("Item {} of a bulk submission failed", index, ar.cause());
        r.put("status", 500).put("error", ErrorBody.of("internal error: " + ar.cause().getMessage(), null));
      }
      return Future.succeededFuture(r);
    });
  }
}
