package io.tef.protocol.worker;

import io.tef.protocol.ValidationException;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Pattern;

/**
 * What a worker may call itself. Its name and instance become record ids and event-bus
 * addresses, its task types go into AMQP exchange and queue names
 * ({@code tef.<env>.<worker_type>.worker_generated_messages}) and its exchange_name is a queue
 * the bridge declares: each is bounded before any door acts on it.
 */
public final class WorkerIdentity {

  public static final int MAX_LENGTH = 200;
  /** The envelope's task-type alphabet (TaskEnvelope). */
  private static final Pattern TASK_TYPE = Pattern.compile("[A-Za-z0-9_.:-]{1,200}");
  /** AMQP short strings, queue names among them, are at most 255 bytes. */
  private static final int MAX_QUEUE_BYTES = 255;

  /** A name or instance: 1 to 200 printable characters, no whitespace. */
  public static boolean isToken(String s) {
    if (s == null || s.isEmpty() || s.length() > MAX_LENGTH) {
      return false;
    }
    return s.codePoints().allMatch(WorkerIdentity::printable);
  }

  public static boolean isTaskType(String s) {
    return s != null && TASK_TYPE.matcher(s).matches();
  }

  /** A queue the bridge may declare: a token of at most 255 bytes, outside the broker's reserved {@code amq.}. */
  public static boolean isQueueName(String s) {
    return isToken(s) && !s.startsWith("amq.") && s.getBytes(StandardCharsets.UTF_8).length <= MAX_QUEUE_BYTES;
  }

  static String token(String field, String value) {
    if (value != null && !isToken(value)) {
      throw new ValidationException(field, "must be 1 to " + MAX_LENGTH + " printable characters without spaces, got " + preview(value));
    }
    return value;
  }

  static String taskType(String field, String value) {
    if (value != null && !isTaskType(value)) {
      throw new ValidationException(field, "must be 1 to " + MAX_LENGTH + " characters of letters, digits and _ . : -, got " + preview(value));
    }
    return value;
  }

  static List<String> taskTypes(String field, List<String> values) {
    for (int i = 0; i < values.size(); i++) {
      if (!isTaskType(values.get(i))) {
        throw new ValidationException(field, "entry " + i + " must be 1 to " + MAX_LENGTH
            + " characters of letters, digits and _ . : -, got " + preview(values.get(i)));
      }
    }
    return values;
  }

  static String queueName(String field, String value) {
    token(field, value);
    if (value != null && !isQueueName(value)) {
      throw new ValidationException(field, "must be an AMQP queue name of at most " + MAX_QUEUE_BYTES
          + " bytes that does not start with amq., got " + preview(value));
    }
    return value;
  }

  private static boolean printable(int c) {
    return !Character.isISOControl(c) && !Character.isWhitespace(c) && !Character.isSpaceChar(c)
        && Character.getType(c) != Character.FORMAT && Character.getType(c) != Character.SURROGATE
        && Character.isDefined(c);
  }

  /** The value as an error may quote it: short, and without what cannot be printed. */
  private static String preview(String s) {
    String head = s.length() > 40 ? s.substring(0, 40) : s;
    StringBuilder out = new StringBuilder("'");
    head.codePoints().forEach(c -> out.append(printable(c) || c == ' ' ? Character.toString(c) : String.format("\\u%04x", c)));
    out.append(s.length() > 40 ? "...' (" + s.length() + " characters)" : "'");
    return out.toString();
  }

  private WorkerIdentity() {
  }
}
