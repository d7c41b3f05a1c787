package io.tef.core.resource;

import io.tef.protocol.ValidationException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.DayOfWeek;
import java.time.LocalTime;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.util.EnumSet;
import java.util.Set;
import java.util.TreeSet;

/**
 * A time of the week when a resource has another limit or availability (TEF's res_man windows).
 * Days are ISO numbers, 1 = Monday; the window runs from {@code start} (inclusive) to {@code end}
 * (exclusive) local time. An end before the start crosses midnight: the part after midnight
 * belongs to the day the window started.
 */
public record ResourceWindow(Set<DayOfWeek> days, LocalTime start, LocalTime end, Integer limit, Boolean available) {

  public ResourceWindow {
    days = days.isEmpty() ? EnumSet.noneOf(DayOfWeek.class) : EnumSet.copyOf(days);
  }

  public boolean covers(ZonedDateTime at) {
    LocalTime time = at.toLocalTime();
    if (!start.isAfter(end)) {
      return days.contains(at.getDayOfWeek()) && !time.isBefore(start) && time.isBefore(end);
    }
    return (days.contains(at.getDayOfWeek()) && !time.isBefore(start))
        || (days.contains(at.getDayOfWeek().minus(1)) && time.isBefore(end));
  }

  static ResourceWindow parse(Object value, String field) {
    if (!(value instanceof JsonObject json)) {
      throw new ValidationException(field, "must be an object {\"days\", \"start\", \"end\", \"limit\", \"available\"}");
    }
    for (String key : json.fieldNames()) {
      if (!Set.of("days", "start", "end", "limit", "available").contains(key)) {
        throw new ValidationException(field + "." + key, "unknown field; a window has days, start, end, limit, available");
      }
    }
    Set<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
    Object d = json.getValue("days");
    if (d == null) {
      days = EnumSet.allOf(DayOfWeek.class);
    } else if (d instanceof JsonArray list && !list.isEmpty()) {
      for (Object day : list) {
        if (!(day instanceof Integer n) || n < 1 || n > 7) {
          throw new ValidationException(field + ".days", "must list ISO day numbers 1 (Monday) to 7 (Sunday), got " + day);
        }
        days.add(DayOfWeek.of(n));
      }
    } else {
      throw new ValidationException(field + ".days", "must be a non-empty list of ISO day numbers 1 (Monday) to 7 (Sunday)");
    }
    LocalTime start = time(json, "start", field);
    LocalTime end = time(json, "end", field);
    if (start.equals(end)) {
      throw new ValidationException(field + ".end", "must differ from start");
    }
    Integer limit = json.getValue("limit") == null ? null : ResourceDefinition.limit(json.getValue("limit"), field + ".limit");
    Object a = json.getValue("available");
    if (a != null && !(a instanceof Boolean)) {
      throw new ValidationException(field + ".available", "must be true or false");
    }
    if (limit == null && a == null) {
      throw new ValidationException(field, "must set limit, available or both");
    }
    return new ResourceWindow(days, start, end, limit, (Boolean) a);
  }

  private static LocalTime time(JsonObject json, String key, String field) {
    Object v = json.getValue(key);
    if (!(v instanceof String s)) {
      throw new ValidationException(field + "." + key, "is required, as \"HH:MM\"");
    }
    try {
      return LocalTime.parse(s);
    } catch (DateTimeParseException e) {
      throw new ValidationException(field + "." + key, "must be a time \"HH:MM\", got '" + s + "'");
    }
  }

  JsonObject toJson() {
    JsonArray dayNumbers = new JsonArray();
    new TreeSet<>(days).forEach(day -> dayNumbers.add(day.getValue()));
    JsonObject json = new JsonObject().put("days", dayNumbers).put("start", start.toString()).put("end", end.toString());
    if (limit != null) {
      json.put("limit", limit);
    }
    if (available != null) {
      json.put("available", available);
    }
    return json;
  }
}
