package io.tef.zmq.frames;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** A Task Engine request, read from its frames by {@link FrameReader}: META alone, META + TASK, or META + DATA. */
public sealed interface Request {

  JsonObject meta();

  /** {@code [META]}: answered with an ACK META. */
  record Ping(JsonObject meta) implements Request {
  }

  /** {@code [META, TASK]}: run task {@code task} with these args; answered with its result once it ends. */
  record Call(JsonObject meta, String task, JsonArray args, JsonObject kwargs) implements Request {
  }

  /** {@code [META, DATA]}: a data request; TEF's is {@code {"data": {"guid": ...}}}, a task's state and result. */
  record Lookup(JsonObject meta, String guid) implements Request {
  }
}
