package io.tef.node.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import io.tef.core.config.LoggingSettings;
import org.slf4j.LoggerFactory;

import java.util.Locale;
import java.util.Map;

/**
 * The log's format and levels. The format is chosen before the first line (from
 * {@code --log-format} or {@code TEF_LOGGING_FORMAT}), so a JSON log never starts with text lines;
 * a format set only in the configuration file takes effect once that file is read.
 */
final class LogSetup {

  /** Read by conf/logback.xml: the name of the appender the root logger writes to. */
  static final String FORMAT_PROPERTY = "tef.log.format";

  private LogSetup() {
  }

  /** Picks the format from the command line or the environment, before anything logs. */
  static void early(String[] args, Map<String, String> env) {
    String format = env.get("TEF_LOGGING_FORMAT");
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--log-format") && i + 1 < args.length) {
        format = args[i + 1];
      } else if (args[i].startsWith("--log-format=")) {
        format = args[i].substring("--log-format=".length());
      }
    }
    if (format != null && (format.equalsIgnoreCase("json") || format.equalsIgnoreCase("text"))) {
      System.setProperty(FORMAT_PROPERTY, format.toLowerCase(Locale.ROOT));
    }
  }

  /** Applies the configuration's format (reloading the logging if it differs) and its levels. */
  static void apply(LoggingSettings settings) throws Exception {
    if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
      return;
    }
    // Both appenders are there; LogFormatFilter reads the property on every line.
    System.setProperty(FORMAT_PROPERTY, settings.format());
    settings.levels().forEach((logger, level) ->
        context.getLogger(logger).setLevel(Level.toLevel(level.toUpperCase(Locale.ROOT), Level.INFO)));
  }
}
