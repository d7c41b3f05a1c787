package io.tef.node;

import io.vertx.core.json.JsonObject;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * The Task Engine's ZeroMQ door under malformed requests: one to three frames of odd JSON, raw
 * bytes, or a valid META with a mutated TASK or DATA frame, each sent from a DEALER. Every request
 * must be answered with a well-formed [META] or [META, DATA] whose data, when it is text, is a
 * result or an {@code ERROR: ...}; the socket loop must go on serving a valid call after them all.
 */
final class ZmqDoor {

  static final String META = "{\"type\":\"REQ\",\"version\":0.1,\"role\":\"requestor\",\"id\":\"FUZZ\",\"pack\":1.5}";
  private static final Set<String> META_KEYS = Set.of("id", "role", "version", "type", "pack");

  private final String endpoint;

  ZmqDoor(FuzzNode node) {
    this.endpoint = "tcp://127.0.0.1:" + node.zmqPort();
  }

  /** What went wrong, one line per input; empty when every request was answered as it should be. */
  List<String> fuzz(int inputs) {
    List<String> failures = new ArrayList<>();
    Iterator<List<byte[]>> requests = Gen.stream(request());
    try (ZContext ctx = new ZContext()) {
      ZMQ.Socket dealer = ctx.createSocket(SocketType.DEALER);
      dealer.setReceiveTimeOut(15_000);
      dealer.connect(endpoint);
      for (int i = 0; i < inputs; i++) {
        List<byte[]> frames = requests.next();
        String problem = ask(dealer, frames).problem();
        if (problem != null) {
          failures.add(problem + " <- " + describe(frames));
          if (problem.startsWith("no answer")) {
            dealer.close();
            dealer = ctx.createSocket(SocketType.DEALER);
            dealer.setReceiveTimeOut(15_000);
            dealer.connect(endpoint);
          }
        }
      }
      List<byte[]> valid = List.of(bytes(META), bytes("{\"task\":\"task_get_count\",\"args\":[40,2],\"kwargs\":{},\"pack\":1.5}"));
      Outcome after = ask(dealer, valid);
      if (after.problem() != null || after.answer().size() != 2 || !Integer.valueOf(42).equals(new JsonObject(after.answer().get(1)).getValue("data"))) {
        failures.add("after the fuzzing a valid call was answered " + (after.problem() != null ? after.problem() : after.answer()));
      }
    }
    return failures;
  }

  /** The answer's frames, and what is wrong with it (null when it is well formed). */
  private record Outcome(String problem, List<String> answer) {
  }

  private static Outcome ask(ZMQ.Socket dealer, List<byte[]> frames) {
    List<String> answer = new ArrayList<>();
    return new Outcome(problem(dealer, frames, answer), answer);
  }

  private static String problem(ZMQ.Socket dealer, List<byte[]> frames, List<String> answer) {
    dealer.send(new byte[0], ZMQ.SNDMORE);
    for (int i = 0; i < frames.size(); i++) {
      dealer.send(frames.get(i), i < frames.size() - 1 ? ZMQ.SNDMORE : 0);
    }
    byte[] delimiter = dealer.recv(0);
    if (delimiter == null) {
      return "no answer in 15 s";
    }
    while (dealer.hasReceiveMore()) {
      answer.add(new String(dealer.recv(0), StandardCharsets.UTF_8));
    }
    try {
      if (answer.isEmpty() || answer.size() > 2) {
        return "answered " + answer.size() + " frames";
      }
      JsonObject meta = new JsonObject(answer.get(0));
      if (!meta.fieldNames().equals(META_KEYS) || !"ACK".equals(meta.getString("type"))) {
        return "answered a META that is not an ACK: " + answer.get(0);
      }
      if (answer.size() == 2) {
        JsonObject data = new JsonObject(answer.get(1));
        if (!data.fieldNames().equals(Set.of("data", "pack"))) {
          return "answered a DATA frame with keys " + data.fieldNames();
        }
        if (data.getValue("data") instanceof String text && text.startsWith("ERROR: internal")) {
          return "answered an internal error: " + text;
        }
      }
      return null;
    } catch (RuntimeException e) {
      return "answered frames that are not JSON objects: " + answer;
    }
  }

  private static Arbitrary<List<byte[]>> request() {
    Arbitrary<byte[]> json = Gen.json().map(ZmqDoor::bytes);
    Arbitrary<byte[]> anyFrame = Arbitraries.frequencyOf(Tuple.of(2, json), Tuple.of(2, Gen.rawBody()), Tuple.of(1, Arbitraries.just(new byte[0])));
    Arbitrary<byte[]> task = Combinators.combine(Gen.oddString(), Gen.json(), Gen.json(), Gen.json()).as((name, args, kwargs, pack) ->
        bytes("{\"task\":" + Gen.quote(name) + ",\"args\":" + args + ",\"kwargs\":" + kwargs + ",\"pack\":" + pack + "}"));
    Arbitrary<byte[]> callable = Combinators.combine(Arbitraries.of("task_get_count", "task_get_average"), Gen.json()).as((name, args) ->
        bytes("{\"task\":\"" + name + "\",\"args\":" + args + ",\"kwargs\":{},\"pack\":1}"));
    Arbitrary<byte[]> data = Gen.json().map(d -> bytes("{\"data\":" + d + ",\"pack\":1}"));
    Arbitrary<List<byte[]>> withMeta = Arbitraries.frequencyOf(Tuple.of(2, task), Tuple.of(2, callable), Tuple.of(1, data), Tuple.of(1, anyFrame))
        .map(second -> List.of(bytes(META), second));
    Arbitrary<List<byte[]>> loose = anyFrame.list().ofMinSize(1).ofMaxSize(3);
    return Arbitraries.frequencyOf(Tuple.of(3, withMeta), Tuple.of(2, loose));
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String describe(List<byte[]> frames) {
    List<String> out = new ArrayList<>();
    for (byte[] f : frames) {
      out.add(Printable.of(new String(f, StandardCharsets.ISO_8859_1), 120));
    }
    return out.toString();
  }
}
