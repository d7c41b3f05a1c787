package io.tef.protocol.json;

import io.tef.protocol.ValidationException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StrictJsonTest {

  private final StrictJson json = new StrictJson(new JsonLimits(4096, 8, 50, 20));

  private ValidationException refused(String body) {
    return assertThrows(ValidationException.class, () -> json.read(Buffer.buffer(body)));
  }

  @Test
  void readsStandardJson() {
    JsonObject o = json.object(Buffer.buffer("{\"a\": [1, 2.5, \"x\", null, true], \"b\": {\"c\": 9223372036854775808}}"), "object");
    assertEquals(2.5, o.getJsonArray("a").getDouble(1));
    assertEquals("9223372036854775808", o.getJsonObject("b").getValue("c").toString());
  }

  /** A double would round, overflow or underflow these: they are kept at the value written. */
  @Test
  void numbersKeepTheValueTheyWereWrittenWith() {
    JsonObject o = json.object(Buffer.buffer("{\"a\": 1.2345678901234567890123, \"b\": 1e400, \"c\": 1e-400, \"d\": 0.1, \"e\": -0.0, \"f\": 2.5e3}"), "object");
    assertEquals(new java.math.BigDecimal("1.2345678901234567890123"), o.getValue("a"));
    assertEquals(new java.math.BigDecimal("1e400"), o.getValue("b"));
    assertEquals(new java.math.BigDecimal("1e-400"), o.getValue("c"));
    assertEquals(0.1, o.getValue("d"));
    assertEquals(-0.0, o.getValue("e"));
    assertEquals(2500.0, o.getValue("f"));
    assertEquals(0, new java.math.BigDecimal("1e400").compareTo(new java.math.BigDecimal(io.vertx.core.json.Json.encode(o.getValue("b")))));
  }

  @Test
  void refusesWhatVertxsOwnReaderAccepts() {
    assertTrue(refused("{\"a\": 1, \"a\": 2}").getMessage().contains("Duplicate field 'a'"));
    assertTrue(refused("{\"a\": 1 /* note */}").getMessage().startsWith("malformed JSON"));
    assertTrue(refused("{\"a\": 1} // note").getMessage().startsWith("malformed JSON"));
    assertTrue(refused("{'a': 1}").getMessage().startsWith("malformed JSON"));
    assertTrue(refused("{\"a\": 1,}").getMessage().startsWith("malformed JSON"));
    assertTrue(refused("{\"a\": 1} {\"b\": 2}").getMessage().startsWith("malformed JSON"));
    assertTrue(refused("").getMessage().contains("empty"));
  }

  @Test
  void enforcesEachLimitNamingIt() {
    assertEquals(413, refused("\"" + "x".repeat(5000) + "\"").status());
    assertTrue(refused("[[[[[[[[[[1]]]]]]]]]]").getMessage().contains("nesting depth"), "the parser stops at the depth limit");
    ValidationException members = refused("[" + "1,".repeat(60) + "1]");
    assertTrue(members.getMessage().contains("limits.max_members"), members.getMessage());
    ValidationException key = refused("{\"" + "k".repeat(21) + "\": 1}");
    assertTrue(key.getMessage().contains("limits.max_key_length"), key.getMessage());
    assertTrue(refused("[1" + "0".repeat(120) + "]").getMessage().contains("exceeds a limit"));
  }

  @Test
  void refusesTextNoStoreCanKeepNamingWhereItIs() {
    ValidationException lone = refused("{\"data\": {\"name\": \"a\\ud800b\"}}");
    assertEquals("data.name", lone.field());
    ValidationException nul = refused("{\"data\": [{\"a\\u0000b\": 1}]}");
    assertEquals("data[0]", nul.field());
    assertTrue(nul.getMessage().contains("\\u0000"));
    // A pair is one character, not a lone half.
    assertEquals("a\uD83D\uDE00", json.object(Buffer.buffer("{\"s\": \"a\\ud83d\\ude00\"}"), "object").getString("s"));
  }

  /** The TEF Manager README's example envelope, placeholder and all: the error says where the parser stopped. */
  static final String SEED_ENVELOPE = """
      {
        "type": "task",
        "task_type": "echo",
        "guid": "a_guid",
        "priority": 5,
        "resources": "pipe|delimited|list",
        "time_limit": number_of_seconds,
        "task_data": "ew0KICAibWVzc2FnZSI6ICJIZWxsbyBXb3JsZCINCn0=",
        "suite_guid": "a_guid"
      }
      """;

  @Test
  void malformedJsonSaysWhereTheParserStopped() {
    ValidationException seed = refused(SEED_ENVELOPE);
    assertTrue(seed.getMessage().startsWith("malformed JSON: Unrecognized token 'number_of_seconds'"), seed.getMessage());
    assertTrue(seed.getMessage().endsWith("(line 7, column 35)"), seed.getMessage());
    assertTrue(refused("{\"a\": 1,}").getMessage().endsWith("(line 1, column 9)"), refused("{\"a\": 1,}").getMessage());
    ValidationException trailing = refused("{\"a\": 1}\n{\"b\": 2}");
    assertTrue(trailing.getMessage().contains("(line 2, column"), trailing.getMessage());
  }
}
