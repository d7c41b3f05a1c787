package io.tef.core.task;

import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A task's document id: an ObjectId, as Agenda and Agendash expect one, derived from the guid so
 * that a read by guid stays a read by {@code _id} (the one index every store has). A guid that is
 * already 24 lowercase hex digits (an Agenda job's id, taken in as a task) is its own ObjectId;
 * any other guid's is the first 12 bytes of its SHA-256. The guid itself is kept in the
 * document's {@code guid} field, so the mapping is never reversed.
 */
public final class TaskIds {

  /** The field of a task document that holds its guid. */
  public static final String GUID = "guid";

  private static final HexFormat HEX = HexFormat.of();

  private TaskIds() {
  }

  /** The ObjectId's 24 hex digits for this guid. */
  public static String hex(String guid) {
    if (isObjectIdHex(guid)) {
      return guid;
    }
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(guid.getBytes(StandardCharsets.UTF_8));
      return HEX.formatHex(digest, 0, 12);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JVM", e);
    }
  }

  /** The {@code _id} of this guid's document, as the MongoDB clients write an ObjectId in JSON. */
  public static JsonObject documentId(String guid) {
    return new JsonObject().put("$oid", hex(guid));
  }

  /** A document's guid: its {@code guid} field; a document without one (written before ids were ObjectIds, or by Agenda), its {@code _id}. */
  public static String guidOf(JsonObject document) {
    if (document.getValue(GUID) instanceof String guid) {
      return guid;
    }
    Object id = document.getValue("_id");
    if (id instanceof JsonObject oid && oid.getValue("$oid") instanceof String hex) {
      return hex;
    }
    return id == null ? null : String.valueOf(id);
  }

  /** The task read by guid from its document id, or null; a document of another guid under that id (a collision of derived ids) is refused. */
  public static Task stored(String guid, JsonObject document) {
    if (document == null) {
      return null;
    }
    if (!ForeignDocuments.isTask(document)) {
      throw new IllegalStateException("the document with the id of guid '" + guid + "' is not a TEF task (a job another program wrote, not yet taken in)");
    }
    return same(guid, TaskJson.fromDocument(document));
  }

  /** This task, if it is the guid's; a collision of derived ids is refused, never read as the other task. */
  public static Task same(String guid, Task found) {
    if (found != null && !guid.equals(found.guid())) {
      throw new IllegalStateException("guid '" + guid + "' and the stored task '" + found.guid()
          + "' have the same document id; submit it under another guid");
    }
    return found;
  }

  static boolean isObjectIdHex(String s) {
    if (s.length() != 24) {
      return false;
    }
    for (int i = 0; i < 24; i++) {
      char c = s.charAt(i);
      if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
        return false;
      }
    }
    return true;
  }
}
