package io.tef.node;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Delivery;
import io.tef.protocol.AmqpNames;
import io.vertx.core.json.JsonObject;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The AMQP door: messages on the manager queue (and the other input queues), each with a
 * reply_to. Every message must be settled within the timeout: answered, and if refused also
 * dead-lettered with its reason (a 4xx one: a 5xx reason counts as a 5xx).
 */
final class AmqpDoor {

  private static final Pattern CODE = Pattern.compile("\\((\\d{3})\\)\\s*$");

  private final FuzzNode node;
  private final AmqpBroker broker;
  private final AmqpBroker.ReplyQueue replies;
  private final BlockingQueue<Delivery> deadLetters;
  private final Map<String, Delivery> repliesSeen = new HashMap<>();
  private final Map<String, Delivery> deadSeen = new HashMap<>();
  private com.rabbitmq.client.Channel probe;

  AmqpDoor(FuzzNode node) throws Exception {
    this.node = node;
    this.broker = node.broker;
    this.replies = broker.replies();
    this.deadLetters = broker.listen(broker.prefix() + ".dead_letter");
  }

  record Message(String queue, byte[] body, String label, String taskData, String guid, String contentType, boolean odd) {
  }

  static final List<String> TYPES = List.of("task", "set_state", "get_state", "pause_suite", "ready_suite", "stop_suite", "worker_status",
      "remove_worker", "get_workers");

  Arbitrary<Message> message() {
    String manager = broker.prefix() + ".manager";
    Arbitrary<String> queue = Arbitraries.frequencyOf(Tuple.of(8, Arbitraries.just(manager)),
        Tuple.of(1, Arbitraries.of(broker.prefix() + ".task_queue.control", broker.prefix() + ".dispatcher.control", broker.prefix() + ".worker.control")));
    Arbitrary<Message> task = Combinators.combine(queue, Gen.envelope()).as((q, e) -> {
      Gen.Envelope t = e.fields().containsKey("type") ? e : withTypeFirst(e);
      String text = t.text();
      return new Message(q, text.getBytes(StandardCharsets.UTF_8), text, t.taskData(), t.guid(), "application/json", false);
    });
    Arbitrary<Message> control = Combinators.combine(queue, Arbitraries.frequencyOf(Tuple.of(5, Arbitraries.of(TYPES)), Tuple.of(1, Gen.oddString())),
        Gen.fieldValue("guid"), Gen.json(), Gen.json(), Gen.oddString(), Arbitraries.of("idle", "ready", "working", "task_complete", "offline", "dispatched", "zz"))
        .as((q, type, name, data, other, odd, status) -> {
          LinkedHashMap<String, String> f = new LinkedHashMap<>();
          f.put("type", Gen.quote(type));
          switch (type) {
            case "set_state", "pause_suite", "ready_suite", "stop_suite" -> f.put("data", isState(data) ? "\"sideways\"" : data);
            case "worker_status" -> {
              f.put("name", "\"fzw-" + Gen.seq() + "\"");
              f.put("status", Gen.quote(status));
              f.put("worker_type", Gen.quote("fzt" + Math.abs(odd.hashCode() % 50)));
              // A queue of this test's env (deleted after), or an odd name the bridge would have to declare.
              String exchange = Gen.seq() % 2 == 0 ? broker.prefix() + ".workers.fz" + Gen.seq() : odd;
              broker.forget(exchange);
              f.put("exchange_name", Gen.quote(exchange));
              f.put("task", other);
            }
            case "remove_worker" -> f.put("name", name);
            default -> f.put("data", other);
          }
          String text = Gen.object(f);
          return new Message(q, text.getBytes(StandardCharsets.UTF_8), text, null, null, "application/json", false);
        });
    Arbitrary<Message> raw = Combinators.combine(queue, Gen.rawBody()).as((q, b) -> new Message(q, b, "raw " + Printable.bytes(b, 300), null, null, null, false));
    Arbitrary<Message> json = Combinators.combine(queue, Gen.json()).as((q, j) -> new Message(q, j.getBytes(StandardCharsets.UTF_8), j, null, null, "application/json", false));
    Arbitrary<Message> oddProps = Combinators.combine(task, Arbitraries.of("text/plain", "application/octet-stream", "", "application/json; charset=latin1"))
        .as((m, ct) -> new Message(m.queue(), m.body(), m.label() + " [content-type " + ct + ", content-encoding gzip]", m.taskData(), m.guid(), ct, true));
    return Arbitraries.frequencyOf(Tuple.of(6, task), Tuple.of(2, control), Tuple.of(1, raw), Tuple.of(1, json), Tuple.of(1, oddProps));
  }

  private static boolean isState(String dataText) {
    return List.of("\"running\"", "\"paused\"", "\"stopped\"").contains(dataText);
  }

  static Gen.Envelope withTypeFirst(Gen.Envelope e) {
    LinkedHashMap<String, String> f = new LinkedHashMap<>();
    f.put("type", "\"task\"");
    f.putAll(e.fields());
    return new Gen.Envelope(f, e.duplicate(), e.note());
  }

  void fuzz(Judge judge, int n) throws Exception {
    Iterator<Message> messages = Gen.stream(message());
    for (int done = 0; done < n; ) {
      judge.beginBatch();
      for (int i = 0; i < RestDoor.BATCH && done < n; i++, done++) {
        send(judge, messages.next(), Judge.Expect.SAFE);
      }
      judge.endBatch();
      assertDrained(judge);
    }
  }

  void send(Judge judge, Message m, Judge.Expect expect) throws Exception {
    String cid = "fz-" + Gen.seq();
    AMQP.BasicProperties.Builder props = new AMQP.BasicProperties.Builder().replyTo(replies.name()).correlationId(cid).deliveryMode(2);
    if (m.contentType() != null && !m.contentType().isEmpty()) {
      props.contentType(m.contentType());
    }
    if (m.odd()) {
      props.contentEncoding("gzip").headers(Map.of("x-odd", "\u0000", "x-tef-reason", "forged")).priority(9).type("zz");
    }
    broker.channel.basicPublish("", m.queue(), props.build(), m.body());
    String target = "AMQP " + m.queue().substring(broker.prefix().length() + 1) + " " + typeOf(m.body());
    Delivery reply = await(repliesSeen, replies.deliveries(), cid, Chaos.ANSWER_TIMEOUT_MS);
    boolean late = false;
    if (reply == null) {
      // As slow as that, on a loaded machine: one more timeout before it counts as unanswered.
      reply = await(repliesSeen, replies.deliveries(), cid, Chaos.ANSWER_TIMEOUT_MS);
      late = reply != null;
    }
    if (reply == null) {
      judge.judge(target, m.label(), Judge.Outcome.unanswered("no reply on reply_to within " + Chaos.ANSWER_TIMEOUT_MS + " ms"), m.taskData(), m.guid(), expect);
      return;
    }
    String replyText = new String(reply.getBody(), StandardCharsets.UTF_8);
    JsonObject answer;
    try {
      answer = new JsonObject(replyText);
    } catch (RuntimeException e) {
      judge.judge(target, m.label(), new Judge.Outcome(Figures.Answer.OTHER, 0, "reply not JSON", null, false, false, true, Printable.of(replyText, 200)),
          m.taskData(), m.guid(), expect);
      Figures.fail(judge.door.name, target + " | reply is not JSON", m.label(), Printable.of(replyText, 200));
      return;
    }
    if (answer.containsKey("error")) {
      Delivery dead = await(deadSeen, deadLetters, cid, 3000);
      String reason = dead == null ? null : String.valueOf(dead.getProperties().getHeaders() == null ? null : dead.getProperties().getHeaders().get(AmqpNames.REASON_HEADER));
      int code = 400;
      if (reason != null) {
        Matcher c = CODE.matcher(reason);
        if (c.find()) {
          code = Integer.parseInt(c.group(1));
        }
      }
      String observed = "reply " + Printable.of(replyText, 160) + "; dead letter reason " + Printable.of(reason, 160);
      Figures.Answer cls = code >= 500 ? Figures.Answer.ERROR_5XX : Figures.Answer.REFUSED_4XX;
      Judge.Outcome refused = new Judge.Outcome(cls, code, reason == null ? answer.getString("error") : reason, null, false, false, true, observed);
      judge.judge(target, m.label(), late ? refused.asLate() : refused, m.taskData(), m.guid(), expect);
      if (dead == null) {
        Figures.fail(judge.door.name, target + " | refused but not dead-lettered", m.label(), observed);
      } else if (!java.util.Arrays.equals(dead.getBody(), m.body())) {
        Figures.fail(judge.door.name, target + " | dead letter differs from the message", m.label(), Printable.bytes(dead.getBody(), 200));
      }
      return;
    }
    JsonObject task = answer.getValue("task") instanceof JsonObject t ? t : null;
    boolean created = answer.getBoolean("created", false);
    boolean updated = answer.getBoolean("updated", false);
    Judge.Outcome ok = new Judge.Outcome(Figures.Answer.OK_2XX, 200, null, task, task != null && created, task != null && updated, true,
        Printable.of(replyText, 200));
    judge.judge(target, m.label(), late ? ok.asLate() : ok, m.taskData(), m.guid(), expect);
  }

  private static String typeOf(byte[] body) {
    try {
      Object t = new JsonObject(new String(body, StandardCharsets.UTF_8)).getValue("type");
      return t instanceof String s && TYPES.contains(s) ? s : "(other type)";
    } catch (RuntimeException e) {
      return "(not an object)";
    }
  }

  /** Waits for the delivery with this correlation id; others are kept for their own turn. */
  private static Delivery await(Map<String, Delivery> seen, BlockingQueue<Delivery> q, String cid, long timeoutMs) throws InterruptedException {
    Delivery d = seen.remove(cid);
    if (d != null) {
      return d;
    }
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
    while (true) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return null;
      }
      Delivery next = q.poll(left, TimeUnit.NANOSECONDS);
      if (next == null) {
        return null;
      }
      String c = next.getProperties().getCorrelationId();
      if (cid.equals(c)) {
        return next;
      }
      if (c != null) {
        seen.put(c, next);
      }
    }
  }

  private long messageCount(String queue) throws Exception {
    try {
      if (probe == null || !probe.isOpen()) {
        probe = broker.connection.createChannel();
      }
      return probe.messageCount(queue);
    } catch (java.io.IOException e) {
      probe = null; // a passive declare of a missing queue closes the channel
      return 0;
    }
  }

  /** Nothing waits in the input queues once a batch was answered. */
  void assertDrained(Judge judge) throws Exception {
    for (String q : List.of("manager", "task_queue.control", "dispatcher.control", "worker.control")) {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      long count;
      do {
        count = messageCount(broker.prefix() + "." + q);
        if (count == 0) {
          break;
        }
        Thread.sleep(50);
      } while (System.nanoTime() < deadline);
      if (count > 0) {
        Figures.fail(judge.door.name, "input queue " + q + " not drained after a batch", count + " messages", count + " messages wait");
      }
    }
  }
}
