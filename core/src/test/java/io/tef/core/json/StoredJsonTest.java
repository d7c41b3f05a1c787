package io.tef.core.json;

import io.tef.protocol.json.JsonLimits;
import io.tef.protocol.json.StrictJson;

import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StoredJsonTest {

  @Test
  void plainValuesStayWhereAgendasToolsSeeThem() {
    JsonObject doc = new JsonObject();
    StoredJson.put(doc, "data", new JsonObject("{\"to\": \"a@b.c\", \"n\": [1, 2.5, null, {\"x\": true}]}"));
    assertTrue(doc.containsKey("data"));
    assertFalse(doc.containsKey("dataJson"));
  }

  @Test
  void valuesTheCodecWouldReadAsTypesAreKeptAsText() {
    for (String v : new String[] {"{\"$date\": \"garbage\"}", "{\"a\": {\"$numberDecimal\": \"1.5\"}}", "[{\"$oid\": \"zz\"}]",
        "{\"a.b\": 1}", "9223372036854775808"}) {
      Object value = Json.decodeValue(v);
      JsonObject doc = new JsonObject();
      StoredJson.put(doc, "data", value);
      assertNull(doc.getValue("data"), v);
      assertEquals(Json.encode(value), doc.getString("dataJson"), v);
      assertEquals(Json.encode(value), Json.encode(StoredJson.get(doc, "data")), v);
    }
  }

  /** Read by the door's reader (exact numbers), kept as text, read back with the same values. */
  @Test
  void numbersADoubleCannotHoldComeBackWithTheirValue() {
    StrictJson door = new StrictJson(JsonLimits.DEFAULT);
    for (String v : new String[] {"1.2345678901234567890123", "1e400", "-1e-400", "{\"$numberDecimal\": 1e1000000}"}) {
      Object value = door.read(io.vertx.core.buffer.Buffer.buffer(v));
      JsonObject doc = new JsonObject();
      StoredJson.put(doc, "data", value);
      Object back = StoredJson.get(doc, "data");
      assertEquals(value, back, v);
    }
  }

  @Test
  void nullPutsNothing() {
    JsonObject doc = new JsonObject();
    StoredJson.put(doc, "result", null);
    assertTrue(doc.isEmpty());
    assertNull(StoredJson.get(doc, "result"));
  }
}
