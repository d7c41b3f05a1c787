package io.tef.protocol.worker;

import io.tef.protocol.Fields;

import io.tef.protocol.ValidationException;
import io.vertx.core.json.JsonObject;

/**
 * A worker's word on the task it was given. The attempt is the fencing token: a report naming
 * any attempt but the task's current one is refused. {@code token} ({@code attempt_token}) is the
 * secret the dispatch carried: a report without the running attempt's is refused as forged.
 */
public record TaskReport(String guid, int attempt, String worker, Kind kind, Object result, String reason,
                         int progress, String level, String message, String token) {

  public static final String TOKEN = io.tef.protocol.Assignment.Task.TOKEN;

  public enum Kind { WORKING, PROGRESS, LOG, COMPLETED, FAILED }

  public static final java.util.Set<String> LEVELS = java.util.Set.of("info", "warn", "error");
  private static final int MAX_MESSAGE = 4000;

  public static TaskReport completed(String guid, int attempt, String worker, String token, Object result) {
    return new TaskReport(guid, attempt, worker, Kind.COMPLETED, result, null, 0, null, null, token);
  }

  public static TaskReport failed(String guid, int attempt, String worker, String token, String reason) {
    return new TaskReport(guid, attempt, worker, Kind.FAILED, null, reason, 0, null, null, token);
  }

  public static TaskReport progress(String guid, int attempt, String worker, String token, int percent) {
    return new TaskReport(guid, attempt, worker, Kind.PROGRESS, null, null, percent, null, null, token);
  }

  public static TaskReport log(String guid, int attempt, String worker, String token, String level, String message) {
    return new TaskReport(guid, attempt, worker, Kind.LOG, null, null, 0, level, message, token);
  }

  public static TaskReport fromJson(JsonObject json) {
    String event = Fields.requireString(json, "event");
    Kind kind;
    try {
      kind = Kind.valueOf(event.toUpperCase(java.util.Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new ValidationException("event", "unknown event '" + event + "'; one of working, progress, log, completed, failed");
    }
    int progress = 0;
    if (kind == Kind.PROGRESS) {
      if (!(json.getValue("progress") instanceof Number n)) {
        throw new ValidationException("progress", "must be a number from 0 to 100");
      }
      progress = (int) Math.max(0, Math.min(100, Math.round(n.doubleValue())));
    }
    String level = null;
    String message = null;
    if (kind == Kind.LOG) {
      level = Fields.requireString(json, "level");
      if (!LEVELS.contains(level)) {
        throw new ValidationException("level", "must be info, warn or error");
      }
      message = text(Fields.requireString(json, "message"));
    }
    String reason = text(Fields.optionalString(json, "reason"));
    if (kind == Kind.FAILED && (reason == null || reason.isBlank())) {
      reason = "no reason given";
    }
    return new TaskReport(Fields.requireString(json, "guid"), Fields.requireInt(json, "attempt"),
        Fields.requireString(json, "worker"), kind, json.getValue("result"), reason, progress, level, message, Fields.optionalString(json, TOKEN));
  }

  /** Log lines and reasons are text TEF keeps, not opaque data: bounded, and malformed Unicode replaced. */
  private static String text(String s) {
    if (s == null) {
      return null;
    }
    String t = s.length() > MAX_MESSAGE ? s.substring(0, MAX_MESSAGE) + "..." : s;
    return io.tef.protocol.json.JsonLimits.wellFormed(t) ? t : io.tef.protocol.json.JsonLimits.replaceLoneSurrogates(t);
  }

  public JsonObject toJson() {
    return new JsonObject().put("guid", guid).put("attempt", attempt).put("worker", worker)
        .put("event", kind.name().toLowerCase(java.util.Locale.ROOT)).put("result", result).put("reason", reason)
        .put("progress", progress).put("level", level).put("message", message).put(TOKEN, token);
  }
}
