package io.tef.core.resource;

import io.tef.protocol.ValidationException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A counted semaphore tasks take by name (TEF's res_man): {@code limit} holders at once (1 is a
 * mutex, -1 unlimited), an {@code available} switch, and windows that override both at set
 * times of the week. The first window that covers a moment wins.
 */
public record ResourceDefinition(String name, int limit, boolean available, List<ResourceWindow> windows, ZoneId timezone) {

  public static final int UNLIMITED = -1;
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.:-]{1,200}");
  private static final Set<String> FIELDS = Set.of("name", "limit", "available", "windows", "timezone");

  public ResourceDefinition {
    windows = List.copyOf(windows);
  }

  /** What holds the resource allows at a moment. */
  public record Effective(int limit, boolean available) {
    /** Whether one more holder fits beside {@code held}. */
    public boolean admits(int held) {
      return available && (limit == UNLIMITED || held < limit);
    }
  }

  public Effective at(Instant now) {
    ZonedDateTime local = now.atZone(timezone);
    for (ResourceWindow w : windows) {
      if (w.covers(local)) {
        return new Effective(w.limit() != null ? w.limit() : limit, w.available() != null ? w.available() : available);
      }
    }
    return new Effective(limit, available);
  }

  /** Holds are written to the store only for resources that can run out. */
  public boolean everLimited() {
    return limit != UNLIMITED || !available || windows.stream().anyMatch(w -> w.limit() != null && w.limit() != UNLIMITED || Boolean.FALSE.equals(w.available()));
  }

  /** Validates a definition from REST, the event bus or config; {@code where} prefixes the field names in errors. */
  public static ResourceDefinition parse(String name, JsonObject json, ZoneId defaultZone, String where) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new ValidationException(where + "name", "must be 1 to 200 characters of letters, digits and _ . : -");
    }
    if (json == null) {
      throw new ValidationException(where.isEmpty() ? null : where.substring(0, where.length() - 1), "must be a JSON object");
    }
    for (String key : json.fieldNames()) {
      if (!FIELDS.contains(key)) {
        throw new ValidationException(where + key, "unknown field; a resource has limit, available, windows, timezone");
      }
    }
    if (json.getValue("name") != null && !name.equals(json.getValue("name"))) {
      throw new ValidationException(where + "name", "'" + json.getValue("name") + "' differs from the name in the path '" + name + "'");
    }
    if (json.getValue("limit") == null) {
      throw new ValidationException(where + "limit", "is required: 1 = mutex, N = N holders, -1 = unlimited");
    }
    int limit = limit(json.getValue("limit"), where + "limit");
    Object a = json.getValue("available", true);
    if (!(a instanceof Boolean available)) {
      throw new ValidationException(where + "available", "must be true or false");
    }
    ZoneId zone = defaultZone;
    Object tz = json.getValue("timezone");
    if (tz != null) {
      try {
        zone = ZoneId.of(String.valueOf(tz));
      } catch (DateTimeException e) {
        throw new ValidationException(where + "timezone", "unknown time zone '" + tz + "' (use a region like Europe/Paris or UTC)");
      }
    }
    List<ResourceWindow> windows = new ArrayList<>();
    Object w = json.getValue("windows");
    if (w != null) {
      if (!(w instanceof JsonArray list)) {
        throw new ValidationException(where + "windows", "must be a list of windows");
      }
      for (int i = 0; i < list.size(); i++) {
        windows.add(ResourceWindow.parse(list.getValue(i), where + "windows[" + i + "]"));
      }
    }
    return new ResourceDefinition(name, limit, available, windows, zone);
  }

  static int limit(Object v, String field) {
    if (!(v instanceof Integer n) || n < UNLIMITED) {
      throw new ValidationException(field, "must be a whole number: -1 (unlimited), 0 (none) or the number of holders, got " + v);
    }
    return n;
  }

  public JsonObject toJson() {
    JsonArray w = new JsonArray();
    windows.forEach(window -> w.add(window.toJson()));
    return new JsonObject().put("name", name).put("limit", limit).put("available", available)
        .put("windows", w).put("timezone", timezone.getId());
  }

  public static ResourceDefinition fromJson(JsonObject json) {
    return parse(json.getString("name"), json, ZoneId.of(json.getString("timezone", "UTC")), "");
  }
}
