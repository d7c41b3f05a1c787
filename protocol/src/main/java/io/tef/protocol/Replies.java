package io.tef.protocol;

import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Event-bus error replies. A failure carries an HTTP-like code and the error body as JSON text,
 * so each door maps it once: 400 bad input, 404 unknown, 409 refused (stale attempt), 500 ours.
 */
public final class Replies {

  private static final Logger LOG = LoggerFactory.getLogger(Replies.class);

  public static void fail(Message<?> message, Throwable err) {
    if (err instanceof ValidationException v) {
      message.fail(v.status(), v.toJson().encode());
    } else {
      LOG.error("Handling a message on {} failed", message.address(), err);
      message.fail(500, ErrorBody.of("internal error: " + err.getMessage(), null).encode());
    }
  }

  /**
   * Answers a request with what the handler makes of its body: the handler's JSON, or its
   * failure (thrown at once or later) as an error reply.
   */
  public static void answer(Message<Object> message, java.util.function.Function<Object, io.vertx.core.Future<JsonObject>> handler) {
    io.vertx.core.Future<JsonObject> result;
    try {
      result = handler.apply(message.body());
    } catch (RuntimeException | StackOverflowError e) {
      // Whatever a handler throws, the sender gets an answer and the consumer goes on.
      fail(message, e);
      return;
    }
    result.onSuccess(message::reply).onFailure(err -> fail(message, err));
  }

  /** The error body of a failed request, whatever failed it. */
  public static JsonObject errorBody(Throwable err) {
    if (err instanceof ReplyException r && r.failureType() == ReplyFailure.NO_HANDLERS) {
      return ErrorBody.of("unavailable: no node serves " + r.getMessage().replaceAll(".*address:? ?", "") + " right now; try again", null);
    }
    if (err instanceof ReplyException r && r.failureType() == ReplyFailure.TIMEOUT) {
      return ErrorBody.of("unavailable: no answer in time (" + r.getMessage() + "); try again", null);
    }
    if (err instanceof ReplyException r && r.getMessage() != null && r.getMessage().startsWith("{")) {
      try {
        return new JsonObject(r.getMessage());
      } catch (RuntimeException ignored) {
        // not one of ours; fall through
      }
    }
    return ErrorBody.of(err.getMessage() == null ? err.toString() : err.getMessage(), null);
  }

  /** The HTTP status that fits a failed request. */
  public static int status(Throwable err) {
    if (err instanceof ReplyException r) {
      return switch (r.failureType()) {
        case RECIPIENT_FAILURE -> r.failureCode() >= 400 && r.failureCode() < 600 ? r.failureCode() : 500;
        case NO_HANDLERS, TIMEOUT -> 503;
        default -> 500;
      };
    }
    return 500;
  }

  /**
   * Whether the request may simply be sent again later: nobody serves the address right now, no
   * answer came in time, or the receiver said 503 (stopped, being taken over). The message is not
   * at fault, so a door keeps it (the AMQP door leaves it in its queue) rather than refusing it.
   */
  public static boolean retryLater(Throwable err) {
    return status(err) == 503;
  }

  private Replies() {
  }
}
