package io.tef.zmq;

import io.tef.core.NodeInfo;
import io.tef.core.config.ConfigLoader;
import io.tef.core.config.TefConfig;
import io.tef.core.config.ZmqSettings;
import io.tef.protocol.json.StrictJson;
import io.tef.zmq.frames.Answers;
import io.tef.zmq.frames.FrameReader;
import io.tef.zmq.frames.InvalidRequest;
import io.tef.zmq.frames.Request;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * The Task Engine's door ({@code zmq.port}): a ZeroMQ ROUTER whose thread reads and checks each
 * request ({@link FrameReader}) and answers pings and invalid requests itself; calls and data
 * requests come to this verticle's context ({@link Calls}), whose answers go back through the
 * loop's pipe. Deployed with the gateway role; it opens no store client.
 */
public final class ZmqGatewayVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(ZmqGatewayVerticle.class);

  private RouterLoop loop;

  @Override
  public Future<?> start() {
    TefConfig config = ConfigLoader.fromJson(config());
    ZmqSettings settings = config.zmq();
    String nodeName = config.node().name();
    FrameReader reader = new FrameReader(new StrictJson(config.limits().json()));
    CallableTypes types = new CallableTypes(vertx, settings.taskTypes());
    Context own = context;
    Calls[] calls = new Calls[1];
    loop = new RouterLoop(settings, config.limits().maxBytes(), in -> {
      Request request;
      try {
        request = reader.read(in.body());
      } catch (InvalidRequest e) {
        return Answers.invalid(nodeName, e);
      }
      if (request instanceof Request.Call c) {
        own.runOnContext(v -> calls[0].call(in.envelope(), c));
      } else if (request instanceof Request.Lookup l) {
        own.runOnContext(v -> calls[0].lookup(in.envelope(), l));
      } else {
        return Answers.ack(nodeName);
      }
      return null;
    });
    calls[0] = new Calls(vertx, nodeName, types, settings, (envelope, frames) -> loop.answer(envelope, frames));
    return types.start()
        .compose(v -> calls[0].start())
        .compose(v -> Future.fromCompletionStage(loop.start(), own))
        .onSuccess(port -> {
          vertx.sharedData().getLocalMap(NodeInfo.MAP).put(NodeInfo.ZMQ_PORT, port);
          LOG.info("ZeroMQ door (Task Engine clients) listening on tcp://{}:{}, {}", settings.host(), port, settings.curve().enabled()
              ? "CurveZMQ, server public key " + ServerKey.publicOf(settings.curve().serverSecret()) + ", " + settings.curve().clients().size()
                + " client key(s)"
              : "plain (no encryption, no authentication)");
        });
  }

  @Override
  public Future<?> stop() {
    return loop == null ? Future.succeededFuture() : Future.fromCompletionStage(loop.stop(), context);
  }
}
