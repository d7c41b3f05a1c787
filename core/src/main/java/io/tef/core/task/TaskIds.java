package io.tef.core.task;

import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A task's document id: an ObjectId, as Agenda and Agendash expect one, derived from the guid so
 * that a read by guid stays a read by {@code _id} (the one index every store has). A guid that is
 * already 24 lowercase hex digits (an Agenda job's id, taken in as a task) is its own ObjectId. A
 * guid that ends in digits ({@code order-1041}) is a stem and a number: the first 7 bytes of the
 * stem's SHA-256 (with the count of digits), then the number (its last 12 digits at most) in 5
 * bytes, so guids numbered in sequence get ids in sequence and their documents stay together in
 * the store's tree, as their text did (a hash alone scatters them: each write of a batch then
 * dirties a page of its own, which cost the deployed bench about a fifth more CPU per task). Any
 * other guid's id is the first 12 bytes of its SHA-256. The guid itself is kept in the document's
 * {@code guid} field, so the mapping is never reversed.
 */
public final class TaskIds {

  /** The field of a task document that holds its guid. */
  public static final String GUID = "guid";

  private static final HexFormat HEX = HexFormat.of();
  /** Of a guid ending in digits: its stem's hash in 7 bytes, its number (at most 12 digits) in 5. */
  private static final int STEM_BYTES = 7;
  private static final int NUMBER_DIGITS = 12;
  /** One digest per thread: every task write derives an id, and looking the algorithm up each time costs more than the hash. */
  private static final ThreadLocal<MessageDigest> SHA_256 = ThreadLocal.withInitial(() -> {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JVM", e);
    }
  });

  private TaskIds() {
  }

  /** The ObjectId's 24 hex digits for this guid. */
  public static String hex(String guid) {
    if (isObjectIdHex(guid)) {
      return guid;
    }
    int digits = 0;
    while (digits < NUMBER_DIGITS && digits < guid.length() && Character.isDigit(guid.charAt(guid.length() - 1 - digits))
        && guid.charAt(guid.length() - 1 - digits) < 128) {
      digits++;
    }
    if (digits == 0) {
      return HEX.formatHex(SHA_256.get().digest(guid.getBytes(StandardCharsets.UTF_8)), 0, 12);
    }
    // A stem and a number: the stem's hash (with the number's length, so "a-01" is not "a-1"), then the number.
    String head = STEM.get().hex(guid, guid.length() - digits, digits);
    String number = Long.toHexString(Long.parseLong(guid, guid.length() - digits, guid.length(), 10));
    return head + "0000000000".substring(number.length()) + number;
  }

  /** The last stem this thread hashed: guids in a sequence share theirs, so most lookups hash nothing. */
  private static final class LastStem {
    private String stem = "";
    private int digits = -1;
    private String hex;

    String hex(String guid, int stemLength, int digitCount) {
      if (digitCount != digits || stemLength != stem.length() || !guid.startsWith(stem)) {
        String s = guid.substring(0, stemLength);
        hex = HEX.formatHex(SHA_256.get().digest((s + '\u0000' + digitCount).getBytes(StandardCharsets.UTF_8)), 0, STEM_BYTES);
        stem = s;
        digits = digitCount;
      }
      return hex;
    }
  }

  private static final ThreadLocal<LastStem> STEM = ThreadLocal.withInitial(LastStem::new);

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
