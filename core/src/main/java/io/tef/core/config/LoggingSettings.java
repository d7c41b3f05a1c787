package io.tef.core.config;

import java.util.Map;
import java.util.Set;

/**
 * The node's log.
 *
 * @param format {@code text} (a line per event) or {@code json} (one JSON object per line, task fields as keys)
 * @param levels logger (package or class) to level: {@code io.tef.dispatcher: debug}
 */
public record LoggingSettings(String format, Map<String, String> levels) {

  public static final Set<String> LEVELS = Set.of("trace", "debug", "info", "warn", "error", "off");

  public boolean json() {
    return "json".equals(format);
  }

  void validate() {
    if (!"text".equals(format) && !"json".equals(format)) {
      throw new ConfigException("logging.format", "must be text or json, got '" + format + "'");
    }
    if (levels == null) {
      throw new ConfigException("logging.levels", "must be a map of logger to level (empty: the defaults)");
    }
    levels.forEach((logger, level) -> {
      if (logger == null || !logger.matches("[A-Za-z_$][A-Za-z0-9_$.]*|ROOT")) {
        throw new ConfigException("logging.levels", "'" + logger + "' is not a logger name (a package or class such as io.tef.dispatcher, or ROOT)");
      }
      if (level == null || !LEVELS.contains(level.toLowerCase(java.util.Locale.ROOT))) {
        throw new ConfigException("logging.levels." + logger, "must be one of " + String.join(", ", new java.util.TreeSet<>(LEVELS)) + ", got '" + level + "'");
      }
    });
  }
}
