package io.tef.protocol.bridge;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.parsetools.RecordParser;

/**
 * The framing of Vert.x's TCP event-bus bridge protocol, for both ends (the node's bridge and
 * TefClient): a 4-byte big-endian length, then that many bytes of UTF-8 JSON. Read with Vert.x's
 * {@link RecordParser} in fixed-size mode, so no frame is copied more than once.
 */
public final class BridgeFrames {

  private BridgeFrames() {
  }

  /** A frame ready to write. */
  public static Buffer frame(JsonObject json) {
    Buffer body = json.toBuffer();
    return Buffer.buffer(4 + body.length()).appendInt(body.length()).appendBuffer(body);
  }

  /**
   * A reader to give the connection's bytes to: each whole frame's JSON bytes go to {@code frame};
   * a length beyond {@code maxLength} goes to {@code tooLong} and the reader reads no more, since
   * nothing after it can be found.
   */
  public static Handler<Buffer> reader(long maxLength, Handler<Buffer> frame, Handler<Long> tooLong) {
    RecordParser parser = RecordParser.newFixed(4);
    boolean[] header = {true};
    boolean[] stopped = {false};
    parser.handler(b -> {
      if (stopped[0]) {
        return;
      }
      if (header[0]) {
        long length = b.getUnsignedInt(0);
        if (length > maxLength) {
          stopped[0] = true;
          tooLong.handle(length);
          return;
        }
        if (length == 0) {
          frame.handle(Buffer.buffer());
          return;
        }
        header[0] = false;
        parser.fixedSizeMode((int) length);
      } else {
        header[0] = true;
        parser.fixedSizeMode(4);
        frame.handle(b);
      }
    });
    return b -> {
      if (!stopped[0]) {
        parser.handle(b);
      }
    };
  }
}
