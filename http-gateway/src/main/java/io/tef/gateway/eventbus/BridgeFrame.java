package io.tef.gateway.eventbus;

import io.tef.protocol.ValidationException;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;

import java.util.Map;
import java.util.Set;

/**
 * A frame of Vert.x's event-bus bridge protocol from a client: {@code {"type": "send" | "publish"
 * | "register" | "unregister" | "ping", "address", "headers"?, "body"?, "replyAddress"?}}, and for a
 * failed answer {@code "failureCode"} and {@code "message"}. Read strictly: a field of the wrong
 * kind is refused naming it. The {@code api-key} header is taken out here and never travels on.
 */
record BridgeFrame(String type, String address, Object body, String replyAddress, Map<String, String> headers, Long timeout,
                   String apiKey, Integer failureCode, String failureMessage) {

  private static final Set<String> TYPES = Set.of("send", "publish", "register", "unregister", "ping");
  private static final Set<String> FIELDS = Set.of("type", "address", "headers", "body", "replyAddress", "failureCode", "failureType", "message", "send");
  private static final int MAX_ADDRESS = 500;
  private static final int MAX_HEADERS = 32;

  static BridgeFrame parse(Object value) {
    if (!(value instanceof JsonObject f)) {
      throw new ValidationException(null, "a frame is a JSON object {\"type\", \"address\", \"headers\", \"body\", \"replyAddress\"}");
    }
    for (String field : f.fieldNames()) {
      if (!FIELDS.contains(field)) {
        throw new ValidationException(field, "is not a field of a bridge frame; known: type, address, headers, body, replyAddress");
      }
    }
    if (!(f.getValue("type") instanceof String type) || !TYPES.contains(type)) {
      throw new ValidationException("type", "must be one of send, publish, register, unregister, ping");
    }
    if ("ping".equals(type)) {
      return new BridgeFrame(type, null, null, null, Map.of(), null, null, null, null);
    }
    String address = text(f, "address", true);
    if (address.length() > MAX_ADDRESS) {
      throw new ValidationException("address", "is longer than " + MAX_ADDRESS + " characters");
    }
    String replyAddress = text(f, "replyAddress", false);
    Object rawHeaders = f.getValue("headers");
    if (rawHeaders != null && !(rawHeaders instanceof JsonObject)) {
      throw new ValidationException("headers", "must be an object of strings");
    }
    JsonObject h = rawHeaders == null ? new JsonObject() : (JsonObject) rawHeaders;
    if (h.size() > MAX_HEADERS) {
      throw new ValidationException("headers", "holds " + h.size() + " entries; at most " + MAX_HEADERS);
    }
    Map<String, String> headers = new java.util.LinkedHashMap<>();
    String apiKey = null;
    Long timeout = null;
    for (Map.Entry<String, Object> e : h) {
      if ("timeout".equals(e.getKey())) {
        timeout = timeout(e.getValue());
      } else if (!(e.getValue() instanceof String s) || s.length() > 4000) {
        throw new ValidationException("headers." + e.getKey(), "must be a string of at most 4000 characters");
      } else if ("api-key".equalsIgnoreCase(e.getKey())) {
        apiKey = s;
      } else if (!e.getKey().equals("localOnly") && !e.getKey().equals("codecName")) {
        headers.put(e.getKey(), s); // delivery options are the bridge's to choose, not the client's
      }
    }
    Integer failureCode = null;
    if (f.getValue("failureCode") != null) {
      if (!(f.getValue("failureCode") instanceof Number n) || n.doubleValue() != n.intValue()) {
        throw new ValidationException("failureCode", "must be a whole number");
      }
      failureCode = n.intValue();
    }
    return new BridgeFrame(type, address, f.getValue("body"), replyAddress, headers, timeout, apiKey, failureCode, text(f, "message", false));
  }

  /** The delivery options of the message this frame sends: its headers and a bounded timeout. */
  DeliveryOptions delivery(long defaultMs, long maxMs) {
    DeliveryOptions o = new DeliveryOptions().setSendTimeout(timeout == null ? defaultMs : Math.min(timeout, maxMs));
    headers.forEach(o::addHeader);
    return o;
  }

  private static Long timeout(Object v) {
    Object n = v instanceof String s && s.matches("[0-9]{1,9}") ? Long.valueOf(s) : v;
    if (!(n instanceof Number num) || num.longValue() < 1 || num.doubleValue() != num.longValue()) {
      throw new ValidationException("headers.timeout", "must be a whole number of milliseconds, at least 1");
    }
    return num.longValue();
  }

  private static String text(JsonObject f, String field, boolean required) {
    Object v = f.getValue(field);
    if (v == null && !required) {
      return null;
    }
    if (!(v instanceof String s) || s.isEmpty()) {
      throw new ValidationException(field, required ? "is required: a non-empty string" : "must be a non-empty string");
    }
    return s;
  }
}
