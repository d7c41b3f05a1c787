package io.tef.node;

import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The oracles, the same for every door. Per input: an answer came within the timeout, it is not
 * a 5xx, a REST 4xx is JSON with an "error", and a task the door accepted can be read back by
 * GET /api/tasks/{guid} with task_data equal (as JSON, numbers exactly) to what was sent. After an
 * unanswered input and after each batch: the node is healthy and still dispatches (a canary echo
 * task completes), else the input or batch is named and the node replaced; and the store holds
 * no task that was not answered 2xx.
 */
final class Judge {

  /** What a door answered to one input, in the same terms for every door. */
  record Outcome(Figures.Answer answer, int code, String message, JsonObject task, boolean created, boolean updated,
                 boolean errorBodyOk, String observed, boolean late) {

    Outcome(Figures.Answer answer, int code, String message, JsonObject task, boolean created, boolean updated, boolean errorBodyOk, String observed) {
      this(answer, code, message, task, created, updated, errorBodyOk, observed, false);
    }

    static Outcome unanswered(String why) {
      return new Outcome(Figures.Answer.UNANSWERED, 0, why, null, false, false, true, "no answer: " + why);
    }

    /** The answer came only after the timeout (AMQP) or to the input sent a second time (REST, event bus): slow, not missing. */
    Outcome asLate() {
      return new Outcome(answer, code, message, task, created, updated, errorBodyOk, observed, true);
    }
  }

  /** What an input must get beyond the common oracles. */
  enum Expect {
    /** The common oracles only: not 5xx, answered, and if accepted, kept as sent. */
    SAFE,
    /** A refusal: a 4xx (AMQP: dead-lettered), nothing stored. */
    REFUSED,
    /** 405 (REST). */
    METHOD_NOT_ALLOWED,
    /** 400 (REST). */
    BAD_REQUEST,
    /**
     * Raw HTTP the HTTP layer answers before TEF sees it, as README says: a request line naming
     * a version other than HTTP/1.0 or HTTP/1.1 gets a bare 501; a chunked body whose framing is
     * broken ends the connection (where the request ends cannot be known). Those two answers are
     * counted under "other"; any other answer is judged as usual.
     */
    HTTP_LAYER
  }

  private final FuzzNode node;
  private final String doorName;
  final Figures.Door door;
  private Set<String> before;
  private final Set<String> createdInBatch = new HashSet<>();
  private final Map<String, String> inputByGuid = new HashMap<>();
  private final List<String> batchInputs = new ArrayList<>();
  private boolean storeCheckValid;
  private final long startedAt = System.nanoTime();

  Judge(FuzzNode node, String doorName) {
    this.node = node;
    this.doorName = doorName;
    this.door = Figures.door(doorName);
  }

  void beginBatch() throws Exception {
    before = node.storedGuids();
    createdInBatch.clear();
    inputByGuid.clear();
    batchInputs.clear();
    storeCheckValid = true;
  }

  /**
   * Judges one answer. {@code sentTaskData}: the task_data text sent (null: none, or not
   * comparable); {@code sentGuid}: the guid sent, if any (to name the input of a stray document).
   */
  void judge(String target, String input, Outcome o, String sentTaskData, String sentGuid, Expect expect) throws Exception {
    if (expect == Expect.HTTP_LAYER && (o.code() == 501 || o.answer() == Figures.Answer.UNANSWERED)) {
      door.inputs.incrementAndGet();
      door.count(Figures.Answer.OTHER);
      return;
    }
    door.inputs.incrementAndGet();
    door.count(o.answer());
    if (o.late()) {
      door.late.incrementAndGet();
    }
    batchInputs.add(input);
    if (sentGuid != null) {
      inputByGuid.put(sentGuid, input);
    }
    switch (o.answer()) {
      case UNANSWERED -> {
        Figures.fail(doorName, target + " | unanswered", input, o.observed());
        afterUnanswered(input);
      }
      case ERROR_5XX -> Figures.fail(doorName, target + " | " + o.code() + " " + Figures.normalize(o.message()), input, o.observed());
      default -> {
        // judged below
      }
    }
    if (o.answer() == Figures.Answer.REFUSED_4XX && !o.errorBodyOk()) {
      Figures.fail(doorName, target + " | " + o.code() + " without a JSON body with \"error\"", input, o.observed());
    }
    switch (expect) {
      case REFUSED -> {
        if (o.answer() == Figures.Answer.OK_2XX) {
          Figures.fail(doorName, target + " | accepted what must be refused", input, o.observed());
        }
      }
      case METHOD_NOT_ALLOWED -> {
        if (o.code() != 405) {
          Figures.fail(doorName, target + " | " + o.code() + " where 405 is due", input, o.observed());
        }
      }
      case BAD_REQUEST -> {
        if (o.code() != 400) {
          Figures.fail(doorName, target + " | " + o.code() + " where 400 is due", input, o.observed());
        }
      }
      default -> {
      }
    }
    if (o.task() != null && (o.created() || o.updated())) {
      checkKept(target, input, o, sentTaskData);
    }
  }

  private void checkKept(String target, String input, Outcome o, String sentTaskData) throws Exception {
    String guid = o.task().getString("guid");
    if (guid == null) {
      Figures.fail(doorName, target + " | accepted without a guid in the answer", input, o.observed());
      return;
    }
    if (o.created()) {
      door.stored.incrementAndGet();
      createdInBatch.add(guid);
    }
    FuzzNode.Reply r = node.get("/api/tasks/" + pathSegment(guid));
    JsonObject view = r.json();
    if (r.status() != 200 || view == null || !guid.equals(view.getString("guid"))) {
      Figures.fail(doorName, target + " | accepted, but GET /api/tasks/{guid} answers " + (r.answered() ? r.status() : "nothing"), input,
          "guid " + Printable.of(guid, 80) + " -> " + r.status() + " " + Printable.of(r.body(), 160));
      return;
    }
    if (sentTaskData == null) {
      return;
    }
    String storedText = storedTaskDataText(r.body());
    Object[] result = ExactJson.onBigStack(() -> {
      Object sent = ExactJson.tryParse(sentTaskData);
      if (sent == null) {
        return null; // the test side cannot read what it sent: not comparable
      }
      Object got = storedText == null ? null : ExactJson.tryParse(storedText);
      return new Object[] {got == null ? "unreadable" : ExactJson.diff(sent, got)};
    });
    if (result == null || result[0] == null) {
      return;
    }
    door.altered.incrementAndGet();
    if (result[0] instanceof ExactJson.Diff d) {
      Figures.fail(doorName, target + " | task_data altered: " + d.kind(), input, d.toString());
    } else {
      Figures.fail(doorName, target + " | task_data not readable back", input, "task_data " + Printable.of(storedText, 200));
    }
  }

  /** The raw text of the task_data field of a task view, read with exact numbers (Vert.x would go through a double). */
  @SuppressWarnings("unchecked")
  private static String storedTaskDataText(String body) {
    try (var p = new com.fasterxml.jackson.core.JsonFactory().setStreamReadConstraints(
        com.fasterxml.jackson.core.StreamReadConstraints.builder().maxNestingDepth(1_000_000).maxNumberLength(10_000_000).build())
        .createParser(body)) {
      if (p.nextToken() != com.fasterxml.jackson.core.JsonToken.START_OBJECT) {
        return null;
      }
      while (p.nextToken() == com.fasterxml.jackson.core.JsonToken.FIELD_NAME) {
        String name = p.currentName();
        p.nextToken();
        if ("task_data".equals(name)) {
          long start = p.currentTokenLocation().getCharOffset();
          p.skipChildren();
          p.getText(); // a scalar is read lazily: read it, so the location is past its end
          long end = p.currentLocation().getCharOffset();
          return body.substring((int) start, (int) end);
        }
        p.skipChildren();
      }
      return null;
    } catch (Exception e) {
      return null;
    }
  }

  private void afterUnanswered(String input) throws Exception {
    String why = node.healthy();
    if (why != null) {
      Figures.fail(doorName, "node unhealthy after an unanswered input: " + Figures.normalize(why), input, why);
      replaceNode();
    }
  }

  private void replaceNode() throws Exception {
    door.restarts.incrementAndGet();
    node.replace();
    storeCheckValid = false;
    before = node.storedGuids();
  }

  /** After a batch: the node is healthy (else the batch is named, the node replaced) and the store holds only what was accepted. */
  void endBatch() throws Exception {
    String why = node.healthy();
    if (why != null) {
      String shortest = batchInputs.stream().min(java.util.Comparator.comparingInt(String::length)).orElse("");
      Figures.fail(doorName, "node unhealthy after a batch: " + Figures.normalize(why), "one of " + batchInputs.size()
          + " inputs, e.g. " + shortest, why);
      replaceNode();
      return;
    }
    if (!storeCheckValid) {
      return;
    }
    Set<String> after = node.storedGuids();
    after.removeAll(before);
    after.removeAll(createdInBatch);
    after.removeAll(node.canaryGuids);
    for (String stray : after) {
      door.storedUnasked.incrementAndGet();
      String input = inputByGuid.get(stray);
      if (input == null) {
        String doc;
        try {
          doc = String.valueOf(node.storedDocument(stray));
        } catch (Throwable e) { // a document too deep for this side's encoder
          doc = "(not printable: " + e.getClass().getSimpleName() + ")";
        }
        input = "(input unknown) stored document " + Printable.of(doc, 200);
      }
      Figures.fail(doorName, "stored without a 2xx answer", input, "guid " + Printable.of(stray, 80) + " in the store");
    }
  }

  void finish() {
    door.millis.addAndGet((System.nanoTime() - startedAt) / 1_000_000);
  }

  /** A guid as one path segment: every byte but the unreserved ones percent-encoded. */
  static String pathSegment(String s) {
    StringBuilder b = new StringBuilder();
    for (byte x : s.getBytes(StandardCharsets.UTF_8)) {
      int c = x & 0xff;
      if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '~') {
        b.append((char) c);
      } else {
        b.append('%').append(String.format("%02X", c));
      }
    }
    return b.toString();
  }
}
