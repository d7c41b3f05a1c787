package io.tef.zmq.frames;

import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

/**
 * The frames of an answer, as the Task Engine's workers sent them: META
 * {@code {"id", "role": "responder", "version": 0.1, "type": "ACK", "pack": <time>}}, then for a
 * call or a data request DATA {@code {"data": <result>, "pack": <the same time>}}. A fault is a
 * DATA whose data is the text {@code "ERROR: <reason>"}.
 */
public final class Answers {

  public static final double VERSION = 0.1;

  private Answers() {
  }

  /** {@code [META]}: the answer to a ping. */
  public static List<byte[]> ack(String id) {
    return List.of(bytes(meta(id, pack())));
  }

  /** {@code [META, DATA]}. */
  public static List<byte[]> data(String id, Object data) {
    java.math.BigDecimal pack = pack();
    return List.of(bytes(meta(id, pack)), bytes(new JsonObject().put("data", data).put("pack", pack)));
  }

  public static List<byte[]> error(String id, String reason) {
    return data(id, "ERROR: " + reason);
  }

  public static List<byte[]> invalid(String id, InvalidRequest e) {
    return error(id, "Invalid request: " + e.getMessage());
  }

  private static JsonObject meta(String id, java.math.BigDecimal pack) {
    return new JsonObject().put("id", id).put("role", "responder").put("version", VERSION).put("type", "ACK").put("pack", pack);
  }

  /** Seconds since the epoch with the fraction, as Python's time.time() gives it. */
  private static java.math.BigDecimal pack() {
    Instant now = Instant.now();
    // A decimal, so it is written 1796206984.293779 as Python writes it, not 1.796206984293779E9.
    return java.math.BigDecimal.valueOf(now.getEpochSecond()).add(java.math.BigDecimal.valueOf(now.getNano() / 1000, 6));
  }

  private static byte[] bytes(JsonObject frame) {
    return frame.encode().getBytes(StandardCharsets.UTF_8);
  }
}
