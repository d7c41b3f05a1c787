package io.tef.protocol;

import io.vertx.core.json.JsonObject;

/** The one error shape of every door: {@code {"error": "...", "field": "..." | null}}. */
public final class ErrorBody {

  public static JsonObject of(String error, String field) {
    return new JsonObject().put("error", error).put("field", field);
  }

  private ErrorBody() {
  }
}
