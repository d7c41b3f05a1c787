package io.tef.client;

import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;

/**
 * A request TEF refused or could not answer: {@link #status()} as REST would give it (400 bad
 * input, 401 / 403 keys and roles, 404, 409, 503 nobody serves it now), {@link #field()} the field
 * at fault when there is one, and TEF's own words as the message.
 */
public final class TefException extends RuntimeException {

  private final int status;
  private final String field;

  public TefException(int status, String field, String message) {
    super(message);
    this.status = status;
    this.field = field;
  }

  public int status() {
    return status;
  }

  /** The field the refusal names (a JSON field, {@code api-key}, ...), or null. */
  public String field() {
    return field;
  }

  /** Whether the same request may simply be sent again later. */
  public boolean retryLater() {
    return status == 503;
  }

  static TefException of(Throwable err) {
    if (err instanceof TefException t) {
      return t;
    }
    if (err instanceof ReplyException r) {
      if (r.failureType() == ReplyFailure.NO_HANDLERS || r.failureType() == ReplyFailure.TIMEOUT) {
        return new TefException(503, null, "unavailable: " + r.getMessage());
      }
      return fromFailure(r.failureCode(), r.getMessage());
    }
    return new TefException(503, null, err.getMessage() == null ? err.toString() : err.getMessage());
  }

  /** TEF fails a request with {@code {"error", "field"}} as the failure's message. */
  static TefException fromFailure(int code, String message) {
    if (message != null && message.startsWith("{")) {
      try {
        JsonObject e = new JsonObject(message);
        return new TefException(code, e.getString("field"), e.getString("error", message));
      } catch (RuntimeException notJson) {
        // plain text: kept as it is
      }
    }
    return new TefException(code, null, message);
  }
}
