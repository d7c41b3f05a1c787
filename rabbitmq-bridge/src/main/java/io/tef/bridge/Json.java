package io.tef.bridge;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

/** Reading AMQP bodies, which may be anything. */
final class Json {

  /** The body as a JSON object, or null when it is not one. */
  static JsonObject object(Buffer body) {
    try {
      Object v = body == null ? null : body.toJsonValue();
      return v instanceof JsonObject o ? o : null;
    } catch (RuntimeException e) {
      return null;
    }
  }

  /** The start of a body for an error message. */
  static String preview(Buffer body) {
    if (body == null || body.length() == 0) {
      return "(empty)";
    }
    String s = body.toString(java.nio.charset.StandardCharsets.UTF_8);
    return s.length() > 80 ? s.substring(0, 80) + "..." : s;
  }

  private Json() {
  }
}
