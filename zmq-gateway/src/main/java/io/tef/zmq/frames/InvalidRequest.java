package io.tef.zmq.frames;

/** A request TEF cannot read; its message says what is wrong and is answered as {@code "ERROR: Invalid request: ..."}. */
public final class InvalidRequest extends RuntimeException {

  public InvalidRequest(String message) {
    super(message, null, false, false);
  }
}
