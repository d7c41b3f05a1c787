package io.tef.zmq;

import io.tef.core.config.ZmqSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.zeromq.SocketType;
import org.zeromq.ZAuth;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;
import org.zeromq.ZMQException;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * The ROUTER socket and the one thread that owns it. ZeroMQ sockets are not thread-safe, so only
 * this thread touches the ROUTER: it reads requests and hands them to {@link Handler} (which
 * answers at once or later), and it sends the answers that other threads pass it through an
 * in-process PAIR pipe ({@link #answer}), which also wakes its poll. No event loop ever waits on
 * ZeroMQ.
 */
final class RouterLoop {

  private static final Logger LOG = LoggerFactory.getLogger(RouterLoop.class);
  private static final byte[] STOP = new byte[] {'$', 's', 't', 'o', 'p'};

  /** A request: its routing envelope (the peer's identity, and REQ's empty delimiter) and its frames. */
  record Inbound(List<byte[]> envelope, List<byte[]> body) {
  }

  interface Handler {
    /** Runs on the loop's thread: the answer now, or null when it will come through {@link #answer}. */
    List<byte[]> onRequest(Inbound request);
  }

  private final ZmqSettings settings;
  private final long maxBytes;
  private final Handler handler;
  private final CompletableFuture<Integer> bound = new CompletableFuture<>();
  private final CompletableFuture<Void> stopped = new CompletableFuture<>();
  private final String pipeAddress = "inproc://tef-zmq-answers-" + UUID.randomUUID();
  private ZContext context;
  private ZMQ.Socket pipeOut;

  RouterLoop(ZmqSettings settings, long maxBytes, Handler handler) {
    this.settings = settings;
    this.maxBytes = maxBytes;
    this.handler = handler;
  }

  /** Binds and starts reading; completes with the port bound (the actual one for port 0). */
  CompletableFuture<Integer> start() {
    Thread thread = new Thread(this::run, "tef-zmq-router");
    thread.setDaemon(true);
    thread.start();
    return bound;
  }

  /** Sends an answer; call it from one thread at a time (the verticle's context). Never blocks. */
  void answer(List<byte[]> envelope, List<byte[]> frames) {
    List<byte[]> all = new ArrayList<>(envelope.size() + frames.size());
    all.addAll(envelope);
    all.addAll(frames);
    send(pipeOut, all);
  }

  /** Closes the socket (answers not yet sent are dropped) and the ZeroMQ context. */
  CompletableFuture<Void> stop() {
    if (pipeOut != null) {
      pipeOut.send(STOP, ZMQ.DONTWAIT);
    } else {
      stopped.complete(null);
    }
    return stopped;
  }

  private void run() {
    ZMQ.Socket router;
    ZMQ.Socket pipeIn;
    ZAuth auth = null;
    try {
      context = new ZContext();
      if (settings.curve().enabled()) {
        // The ZAP handler of this context: every CurveZMQ handshake asks it whether the client's key may connect.
        auth = new ZAuth(context, "tef-zmq-auth", Map.of(ZMQ.Socket.Mechanism.CURVE.name(), new CurveClients(settings.curve().clients())));
      }
      router = context.createSocket(SocketType.ROUTER);
      router.setLinger(0);
      // A larger message drops its connection in ZeroMQ itself, before anything is read.
      router.setMaxMsgSize(maxBytes);
      if (auth != null) {
        router.setZAPDomain("tef");
        router.setCurveServer(true);
        router.setCurveSecretKey(ZMQ.Curve.z85Decode(settings.curve().serverSecret()));
      }
      String endpoint = "tcp://" + settings.host();
      int port = settings.port() == 0 ? router.bindToRandomPort(endpoint) : bindTo(router, endpoint + ":" + settings.port());
      pipeIn = context.createSocket(SocketType.PAIR);
      pipeIn.setRcvHWM(0);
      pipeIn.bind(pipeAddress);
      pipeOut = context.createSocket(SocketType.PAIR);
      pipeOut.setSndHWM(0);
      pipeOut.connect(pipeAddress);
      bound.complete(port);
    } catch (RuntimeException e) {
      closeQuietly(auth);
      context.close();
      bound.completeExceptionally(new IllegalStateException("the ZeroMQ door cannot listen on " + settings.host() + ":" + settings.port()
          + ": " + e.getMessage(), e));
      stopped.complete(null);
      return;
    }
    try {
      loop(router, pipeIn);
    } finally {
      closeQuietly(auth);
      context.close();
      stopped.complete(null);
    }
  }

  private static int bindTo(ZMQ.Socket router, String endpoint) {
    router.bind(endpoint);
    return Integer.parseInt(endpoint.substring(endpoint.lastIndexOf(':') + 1));
  }

  private void loop(ZMQ.Socket router, ZMQ.Socket pipeIn) {
    ZMQ.Poller poller = context.createPoller(2);
    poller.register(router, ZMQ.Poller.POLLIN);
    poller.register(pipeIn, ZMQ.Poller.POLLIN);
    while (!Thread.currentThread().isInterrupted()) {
      try {
        poller.poll(-1);
        if (poller.pollin(1) && !forwardAnswers(pipeIn, router)) {
          return;
        }
        if (poller.pollin(0)) {
          readRequests(router);
        }
      } catch (ZMQException e) {
        if (e.getErrorCode() == ZMQ.Error.ETERM.getCode()) {
          return;
        }
        LOG.warn("ZeroMQ door: {} (the door goes on)", e.toString());
      }
    }
  }

  /** Every answer waiting in the pipe; false on the stop signal. */
  private static boolean forwardAnswers(ZMQ.Socket pipeIn, ZMQ.Socket router) {
    List<byte[]> frames;
    while ((frames = receive(pipeIn)) != null) {
      if (frames.size() == 1 && java.util.Arrays.equals(frames.get(0), STOP)) {
        return false;
      }
      // A peer that went away is not routable: ROUTER drops its answer, as ZeroMQ does.
      send(router, frames);
    }
    return true;
  }

  private void readRequests(ZMQ.Socket router) {
    List<byte[]> frames;
    while ((frames = receive(router)) != null) {
      // The envelope: the identity and any address frames up to the empty delimiter (REQ sends one; a
      // DEALER may send its own frames before it, or no delimiter at all). A META frame is never empty.
      int bodyStart = 1;
      for (int i = 1; i < frames.size(); i++) {
        if (frames.get(i).length == 0) {
          bodyStart = i + 1;
          break;
        }
      }
      Inbound in = new Inbound(List.copyOf(frames.subList(0, bodyStart)), List.copyOf(frames.subList(bodyStart, frames.size())));
      List<byte[]> now;
      try {
        now = handler.onRequest(in);
      } catch (RuntimeException e) {
        LOG.error("ZeroMQ door: a request could not be handled", e);
        now = io.tef.zmq.frames.Answers.error("tef", "internal: " + e);
      }
      if (now != null) {
        List<byte[]> all = new ArrayList<>(in.envelope());
        all.addAll(now);
        send(router, all);
      }
    }
  }

  /** One whole multipart message, or null when none is waiting. */
  private static List<byte[]> receive(ZMQ.Socket socket) {
    byte[] first = socket.recv(ZMQ.DONTWAIT);
    if (first == null) {
      return null;
    }
    List<byte[]> frames = new ArrayList<>(4);
    frames.add(first);
    while (socket.hasReceiveMore()) {
      frames.add(socket.recv(0));
    }
    return frames;
  }

  private static void send(ZMQ.Socket socket, List<byte[]> frames) {
    for (int i = 0; i < frames.size(); i++) {
      socket.send(frames.get(i), (i < frames.size() - 1 ? ZMQ.SNDMORE : 0) | ZMQ.DONTWAIT);
    }
  }

  private static void closeQuietly(ZAuth auth) {
    if (auth != null) {
      auth.close();
    }
  }
}
