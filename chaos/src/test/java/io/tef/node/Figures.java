package io.tef.node;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the suite saw, gathered across its test classes and printed once at the end (by
 * {@link FiguresListener}) as the Markdown that README's "Fuzz and chaos" section shows: the
 * answers by class per door, the chaos rounds with their times, and every failing input,
 * deduplicated by door and kind of answer (the shortest input of each kind is kept).
 */
final class Figures {

  /** Answer classes of a door. AMQP: 2xx answered, 4xx dead-lettered with a 4xx reason, 5xx with a 5xx reason. */
  enum Answer { OK_2XX, REFUSED_4XX, ERROR_5XX, UNANSWERED, OTHER }

  static final class Door {
    final String name;
    final AtomicLong inputs = new AtomicLong();
    final Map<Answer, AtomicLong> answers = new LinkedHashMap<>();
    final AtomicLong stored = new AtomicLong();
    final AtomicLong altered = new AtomicLong();
    final AtomicLong storedUnasked = new AtomicLong();
    final AtomicLong restarts = new AtomicLong();
    final AtomicLong late = new AtomicLong();
    final AtomicLong millis = new AtomicLong();

    Door(String name) {
      this.name = name;
      for (Answer a : Answer.values()) {
        answers.put(a, new AtomicLong());
      }
    }

    void count(Answer a) {
      answers.get(a).incrementAndGet();
    }

    long get(Answer a) {
      return answers.get(a).get();
    }
  }

  static final class Failure {
    final String door;
    final String kind;
    String input;
    String observed;
    int count;

    Failure(String door, String kind, String input, String observed) {
      this.door = door;
      this.kind = kind;
      this.input = input;
      this.observed = observed;
    }
  }

  record ChaosRow(String name, int rounds, long items, long lost, long twice, List<Long> millis, String timeLabel, String notes) {
  }

  private static final Map<String, Door> DOORS = new LinkedHashMap<>();
  private static final Map<String, Failure> FAILURES = new LinkedHashMap<>();
  private static final List<ChaosRow> CHAOS = new ArrayList<>();
  private static final List<String> NOTES = new ArrayList<>();

  private Figures() {
  }

  static synchronized Door door(String name) {
    return DOORS.computeIfAbsent(name, Door::new);
  }

  /**
   * A failing input. {@code kind} is what makes two failures the same (the answer class and its
   * message with numbers and quoted text taken out); the shortest input of a kind is kept.
   */
  static synchronized void fail(String door, String kind, String input, String observed) {
    String key = door + "\u0000" + kind;
    Failure f = FAILURES.computeIfAbsent(key, k -> new Failure(door, kind, input, observed));
    f.count++;
    if (input.length() < f.input.length()) {
      f.input = input;
      f.observed = observed;
    }
  }

  static synchronized List<Failure> failures(String door) {
    return FAILURES.values().stream().filter(f -> f.door.equals(door)).toList();
  }

  static synchronized void chaos(ChaosRow row) {
    CHAOS.add(row);
  }

  static synchronized void note(String note) {
    NOTES.add(note);
  }

  /** The failures of these doors as an assertion message, or null when there are none. */
  static String failureReport(String door) {
    List<Failure> list = failures(door);
    if (list.isEmpty()) {
      return null;
    }
    StringBuilder b = new StringBuilder(list.size() + " kinds of failing input at " + door + ":\n");
    for (Failure f : list) {
      b.append(line(f)).append('\n');
    }
    return b.toString();
  }

  /** Turns an error message into the part that makes two failures the same kind. */
  static String normalize(String message) {
    if (message == null) {
      return "";
    }
    String s = message.replaceAll("class [\\w.$]+ cannot be cast to class [\\w.$]+.*", "ClassCastException")
        .replaceAll("'[^']*'", "'…'").replaceAll("\"[^\"]*\"", "\"…\"").replaceAll("\\d+", "#");
    return Printable.of(s, 90);
  }

  private static String line(Failure f) {
    return "- " + f.door + " | " + f.kind + " | x" + f.count + " | input: `" + Printable.of(f.input, 240).replace("`", "'")
        + "` | observed: " + Printable.of(f.observed, 200);
  }

  static synchronized String render() {
    StringBuilder b = new StringBuilder();
    b.append("Fuzz and chaos figures, ").append(Instant.now().toString(), 0, 16).append("Z, ").append(Chaos.mode()).append("\n\n");
    if (!DOORS.isEmpty()) {
      b.append("| door | inputs | 2xx | stored | 4xx | 5xx | unanswered | late | other | task_data altered | stored without 2xx | node restarts | s |\n");
      b.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
      for (Door d : DOORS.values()) {
        b.append("| ").append(d.name).append(" | ").append(d.inputs.get())
            .append(" | ").append(d.get(Answer.OK_2XX)).append(" | ").append(d.stored.get())
            .append(" | ").append(d.get(Answer.REFUSED_4XX)).append(" | ").append(d.get(Answer.ERROR_5XX))
            .append(" | ").append(d.get(Answer.UNANSWERED)).append(" | ").append(d.late.get()).append(" | ").append(d.get(Answer.OTHER))
            .append(" | ").append(d.altered.get()).append(" | ").append(d.storedUnasked.get())
            .append(" | ").append(d.restarts.get()).append(" | ").append(d.millis.get() / 1000).append(" |\n");
      }
      b.append("\n");
    }
    if (!CHAOS.isEmpty()) {
      b.append("| chaos | rounds | items | lost | completed twice | time min / median / max | notes |\n");
      b.append("|---|---:|---:|---:|---:|---|---|\n");
      for (ChaosRow c : CHAOS) {
        b.append("| ").append(c.name()).append(" | ").append(c.rounds()).append(" | ").append(c.items()).append(" | ").append(c.lost())
            .append(" | ").append(c.twice()).append(" | ").append(stats(c.millis(), c.timeLabel())).append(" | ").append(c.notes()).append(" |\n");
      }
      b.append("\n");
    }
    for (String n : NOTES) {
      b.append("- ").append(n).append('\n');
    }
    if (!NOTES.isEmpty()) {
      b.append('\n');
    }
    if (FAILURES.isEmpty()) {
      b.append("No failing input.\n");
    } else {
      b.append(FAILURES.size()).append(" kinds of failing input (door | kind | times seen | the shortest input | what came back):\n\n");
      FAILURES.values().stream().sorted(Comparator.comparing((Failure f) -> f.door)).forEach(f -> b.append(line(f)).append('\n'));
    }
    return b.toString();
  }

  static String stats(List<Long> millis, String label) {
    if (millis.isEmpty()) {
      return "-";
    }
    List<Long> s = millis.stream().sorted().toList();
    return s.get(0) + " / " + s.get(s.size() / 2) + " / " + s.get(s.size() - 1) + " ms " + label;
  }

  static synchronized void write() {
    String text = render();
    System.out.println("\n===== TEF fuzz and chaos figures =====\n" + text + "======================================\n");
    String file = System.getProperty("tef.chaos.figures");
    if (file != null) {
      try {
        Files.createDirectories(Path.of(file).toAbsolutePath().getParent());
        Files.writeString(Path.of(file), text);
      } catch (IOException e) {
        System.out.println("could not write " + file + ": " + e);
      }
    }
  }
}
