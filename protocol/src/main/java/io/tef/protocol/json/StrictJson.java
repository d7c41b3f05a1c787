package io.tef.protocol.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import io.tef.protocol.ValidationException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

import java.io.IOException;

/**
 * Reads a message body as JSON the way every door must: standard JSON only (no comments, no
 * trailing commas, no single quotes), a key given twice is an error rather than last-one-wins,
 * and {@link JsonLimits} hold. Vert.x's own reader accepts comments and duplicate keys.
 */
public final class StrictJson {

  private final JsonLimits limits;
  private final JsonFactory factory;

  public StrictJson(JsonLimits limits) {
    this.limits = limits;
    this.factory = JsonFactory.builder()
        .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
        .streamReadConstraints(StreamReadConstraints.builder()
            .maxNestingDepth(limits.maxDepth())
            .maxNumberLength(100)
            .maxStringLength((int) Math.min(Integer.MAX_VALUE, limits.maxBytes()))
            .build())
        .build();
  }

  public JsonLimits limits() {
    return limits;
  }

  /** The body as one JSON value; {@link ValidationException} (400, 413 for size) says what is wrong. */
  public Object read(Buffer body) {
    if (body == null || body.length() == 0) {
      throw new ValidationException(null, "the body is empty; a JSON value was expected");
    }
    if (body.length() > limits.maxBytes()) {
      throw new ValidationException(413, null, "the body is " + body.length() + " bytes; at most " + limits.maxBytes() + " are accepted (limits.max_bytes)");
    }
    Object value;
    JsonParser parser = null;
    try {
      parser = factory.createParser(body.getBytes());
      parser.nextToken();
      value = ExactValues.read(parser);
      if (parser.nextToken() != null) {
        throw new com.fasterxml.jackson.core.JsonParseException(parser, "Unexpected trailing token " + parser.currentToken());
      }
    } catch (IOException e) {
      throw malformed(e, parser);
    } finally {
      if (parser != null) {
        try {
          parser.close();
        } catch (IOException ignored) {
          // a parser over a byte array holds nothing to release
        }
      }
    }
    limits.check(value, null);
    return value;
  }

  /** The body as a JSON object; anything else is refused with {@code whenNotObject}. */
  public JsonObject object(Buffer body, String whenNotObject) {
    Object v = read(body);
    if (!(v instanceof JsonObject o)) {
      throw new ValidationException(null, whenNotObject);
    }
    return o;
  }

  /**
   * The parser's complaint with where it stopped, as Jackson counts it: "malformed JSON: Unrecognized
   * token 'x': ... (line 7, column 33)"; without a location in the error, the parser's own position.
   */
  private static ValidationException malformed(Throwable e, JsonParser parser) {
    JsonLocation at = e instanceof JsonProcessingException j ? j.getLocation() : null;
    if (at == null && parser != null) {
      at = parser.currentLocation();
    }
    String where = at == null || at.getLineNr() < 1 ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
    if (e instanceof StreamConstraintsException c) {
      return new ValidationException(null, "the body exceeds a limit: " + firstLine(c.getOriginalMessage()) + where);
    }
    String m = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
    return new ValidationException(null, "malformed JSON: " + firstLine(m) + where);
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "unreadable";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
