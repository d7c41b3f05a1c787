package io.tef.bridge;

/**
 * A publish the broker was sent but never confirmed or refused, because the connection (or the
 * wait) ended first. The message may well be on its durable queue: callers that must not act
 * twice (a dispatch) treat it as taken, not as refused.
 */
final class UnconfirmedPublish extends RuntimeException {

  UnconfirmedPublish(String target, Throwable cause) {
    super("sent to " + target + " but not confirmed: " + cause.getMessage(), cause);
  }
}
