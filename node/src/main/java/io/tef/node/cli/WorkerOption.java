package io.tef.node.cli;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One worker option's value: the command line's, else TEF_WORKER_<NAME>, else the config file's. */
final class WorkerOption {

  private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h)?");

  private final Map<String, String> env;
  private final Map<String, Object> file;

  WorkerOption(Map<String, String> env, Map<String, Object> file) {
    this.env = env;
    this.file = file;
  }

  String string(String given, String key, String fallback) {
    if (given != null) {
      return given;
    }
    String e = env.get(envName(key));
    if (e != null && !e.isBlank()) {
      return e.trim();
    }
    Object f = file.get(key);
    if (f != null && !(f instanceof Map) && !(f instanceof List)) {
      return String.valueOf(f);
    }
    if (f != null) {
      throw new IllegalArgumentException("config file: '" + key + "' must be a single value");
    }
    return fallback;
  }

  List<String> list(List<String> given, String key) {
    if (given != null && !given.isEmpty()) {
      return given;
    }
    String e = env.get(envName(key));
    if (e != null && !e.isBlank()) {
      return split(e);
    }
    Object f = file.get(key);
    if (f instanceof List<?> l) {
      return l.stream().map(String::valueOf).toList();
    }
    if (f instanceof String s) {
      return split(s);
    }
    if (f != null) {
      throw new IllegalArgumentException("config file: '" + key + "' must be a list or a comma-separated string");
    }
    return List.of();
  }

  boolean flag(Boolean given, String key) {
    if (given != null) {
      return given;
    }
    String e = env.get(envName(key));
    if (e != null && !e.isBlank()) {
      return bool(e.trim(), envName(key));
    }
    Object f = file.get(key);
    if (f instanceof Boolean b) {
      return b;
    }
    if (f != null) {
      return bool(String.valueOf(f), "config file: '" + key + "'");
    }
    return false;
  }

  /** "500ms", "5s", "2m", "1h", or a bare number of milliseconds. */
  static Duration duration(String text, String name) {
    return duration(text, name, io.tef.protocol.worker.WorkerRegistration.MIN_PING_MS);
  }

  /** As above, at least {@code minMs}. */
  static Duration duration(String text, String name, long minMs) {
    Matcher m = DURATION.matcher(text.trim().toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw new IllegalArgumentException(name + ": '" + text + "' is not a duration like 500ms, 5s or 1m");
    }
    long n = Long.parseLong(m.group(1));
    String unit = m.group(2) == null ? "ms" : m.group(2);
    Duration d = switch (unit) {
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      case "h" -> Duration.ofHours(n);
      default -> Duration.ofMillis(n);
    };
    if (d.toMillis() < minMs) {
      throw new IllegalArgumentException(name + ": must be at least " + minMs + " ms, got " + text);
    }
    return d;
  }

  private static boolean bool(String v, String name) {
    return switch (v.toLowerCase(Locale.ROOT)) {
      case "true", "yes", "1" -> true;
      case "false", "no", "0" -> false;
      default -> throw new IllegalArgumentException(name + ": must be true or false, got '" + v + "'");
    };
  }

  private static String envName(String key) {
    return "TEF_WORKER_" + key.toUpperCase(Locale.ROOT);
  }

  private static List<String> split(String s) {
    return Arrays.stream(s.split("[,\\s]+")).map(String::trim).filter(x -> !x.isEmpty()).toList();
  }
}
