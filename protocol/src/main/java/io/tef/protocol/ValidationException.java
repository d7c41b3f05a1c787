package io.tef.protocol;

import io.vertx.core.json.JsonObject;

/** Bad input, naming the field at fault; every door turns it into a 400 or an error reply. */
public class ValidationException extends RuntimeException {

  private final String field;
  private final int status;

  public ValidationException(String field, String message) {
    this(400, field, message);
  }

  public ValidationException(int status, String field, String message) {
    super(message);
    this.field = field;
    this.status = status;
  }

  public String field() {
    return field;
  }

  public int status() {
    return status;
  }

  /** The error body every door answers with: {@code {"error": ..., "field": ...}}. */
  public JsonObject toJson() {
    return ErrorBody.of(getMessage(), field);
  }
}
