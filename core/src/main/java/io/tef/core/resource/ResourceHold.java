package io.tef.core.resource;

import io.tef.protocol.json.IsoInstants;
import io.vertx.core.json.JsonObject;

import java.time.Instant;

/**
 * One slot of a limited resource held by one attempt of a task. Its store id
 * {@code <resource>#<slot>} is unique, so taking a slot is an insert that fails when another
 * dispatcher holds it: the compare-and-set that keeps limits true across dispatchers.
 */
public record ResourceHold(String resource, int slot, String guid, int attempt, String owner, Instant at) {

  public String id() {
    return resource + "#" + slot;
  }

  public JsonObject toDocument() {
    return new JsonObject().put("_id", id()).put("resource", resource).put("slot", slot).put("guid", guid)
        .put("attempt", attempt).put("owner", owner).put("at", new JsonObject().put("$date", at.toString()));
  }

  public static ResourceHold fromDocument(JsonObject doc) {
    Instant when = IsoInstants.stored(doc.getValue("at"));
    return new ResourceHold(doc.getString("resource"), doc.getInteger("slot"), doc.getString("guid"),
        doc.getInteger("attempt"), doc.getString("owner"), when);
  }

  public JsonObject toView() {
    return new JsonObject().put("slot", slot).put("guid", guid).put("attempt", attempt).put("owner", owner).put("at", at.toString());
  }
}
