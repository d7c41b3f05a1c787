package io.tef.core.resource;

import io.tef.protocol.ValidationException;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.time.ZoneOffset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ResourceDefinitionTest {

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "{}|limit",
      "{\"limit\": -2}|limit",
      "{\"limit\": \"one\"}|limit",
      "{\"limit\": 1, \"available\": \"yes\"}|available",
      "{\"limit\": 1, \"colour\": \"red\"}|colour",
      "{\"limit\": 1, \"timezone\": \"Mars/Base\"}|timezone",
      "{\"limit\": 1, \"windows\": {}}|windows",
      "{\"limit\": 1, \"windows\": [{\"days\": [8], \"start\": \"09:00\", \"end\": \"17:00\", \"limit\": 2}]}|windows[0].days",
      "{\"limit\": 1, \"windows\": [{\"start\": \"9am\", \"end\": \"17:00\", \"limit\": 2}]}|windows[0].start",
      "{\"limit\": 1, \"windows\": [{\"start\": \"09:00\", \"end\": \"17:00\"}]}|windows[0]",
      "{\"limit\": 1, \"windows\": [{\"start\": \"09:00\", \"end\": \"09:00\", \"limit\": 3}]}|windows[0].end",
  })
  void badDefinitionsNameTheField(String json, String field) {
    ValidationException e = assertThrows(ValidationException.class,
        () -> ResourceDefinition.parse("db", new JsonObject(json), ZoneOffset.UTC, ""));
    assertEquals(field, e.field(), e.getMessage());
  }

  @Test
  void aBadNameIsRefused() {
    assertEquals("name", assertThrows(ValidationException.class,
        () -> ResourceDefinition.parse("a b", new JsonObject("{\"limit\": 1}"), ZoneOffset.UTC, "")).field());
  }

  @Test
  void aDefinitionSurvivesItsJsonForm() {
    ResourceDefinition def = ResourceDefinition.parse("api", new JsonObject(
        "{\"limit\": 2, \"timezone\": \"Europe/Paris\", \"windows\": [{\"days\": [6, 7], \"start\": \"00:00\", \"end\": \"23:59\", \"available\": false}]}"),
        ZoneOffset.UTC, "");
    assertEquals(def, ResourceDefinition.fromJson(def.toJson()));
  }
}
