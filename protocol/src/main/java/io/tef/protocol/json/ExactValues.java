package io.tef.protocol.json;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.math.BigDecimal;

/**
 * Builds the value a parser reads, keeping every number as written: a fraction or exponent that
 * a double does not hold exactly (more digits, beyond its range, below its precision) becomes a
 * {@link BigDecimal} rather than a rounded, infinite or zero double, so opaque data comes back
 * with the value it was given. Recursion is bounded by the parser's nesting limit.
 */
public final class ExactValues {

  /** Text this process wrote (a stored value): read back with the same exact numbers. */
  private static final com.fasterxml.jackson.core.JsonFactory STORED = com.fasterxml.jackson.core.JsonFactory.builder()
      .streamReadConstraints(com.fasterxml.jackson.core.StreamReadConstraints.builder().maxNumberLength(10_000).build())
      .build();

  /** One JSON value from text TEF wrote itself, numbers exact. */
  public static Object parse(String text) {
    try (JsonParser p = STORED.createParser(text)) {
      p.nextToken();
      return read(p);
    } catch (IOException e) {
      throw new io.vertx.core.json.DecodeException("stored JSON unreadable: " + e.getMessage(), e);
    }
  }

  /** The value at the parser's current token. */
  static Object read(JsonParser p) throws IOException {
    JsonToken t = p.currentToken();
    if (t == null) {
      throw new com.fasterxml.jackson.core.JsonParseException(p, "no JSON value");
    }
    return switch (t) {
      case START_OBJECT -> {
        JsonObject o = new JsonObject();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String key = p.currentName();
          p.nextToken();
          o.put(key, read(p));
        }
        yield o;
      }
      case START_ARRAY -> {
        JsonArray a = new JsonArray();
        while (p.nextToken() != JsonToken.END_ARRAY) {
          a.add(read(p));
        }
        yield a;
      }
      case VALUE_STRING -> p.getText();
      case VALUE_NUMBER_INT -> p.getNumberValue();
      case VALUE_NUMBER_FLOAT -> fraction(p);
      case VALUE_TRUE -> Boolean.TRUE;
      case VALUE_FALSE -> Boolean.FALSE;
      case VALUE_NULL -> null;
      default -> throw new com.fasterxml.jackson.core.JsonParseException(p, "unexpected " + t);
    };
  }

  private static Object fraction(JsonParser p) throws IOException {
    double d = p.getDoubleValue(); // first: a double made from the decimal would lose -0.0
    BigDecimal exact = p.getDecimalValue();
    // The double when it prints back as the same value (1.5, 0.1, -0.0), else the exact decimal.
    return Double.isFinite(d) && new BigDecimal(Double.toString(d)).compareTo(exact) == 0 ? d : exact;
  }

  private ExactValues() {
  }
}
