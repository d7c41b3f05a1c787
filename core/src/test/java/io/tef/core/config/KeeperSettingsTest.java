package io.tef.core.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KeeperSettingsTest {

  @TempDir
  Path dir;

  private TefConfig load(Map<String, Object> overrides) throws Exception {
    Files.writeString(dir.resolve("staging.yaml"), "amqp: {}\n");
    return ConfigLoader.loadBlocking(Map.of("TEF_ENV", "staging", "TEF_CONFIG", dir.toString()), overrides);
  }

  @Test
  void keepersGetEveryEndingOnUnboundedQueuesByDefault() throws Exception {
    TefConfig.Amqp amqp = load(Map.of()).amqp();
    assertTrue(amqp.keepers());
    assertEquals(List.of("completed", "failed", "cancelled"), amqp.keeperStates());
    assertEquals(0, amqp.keeperQueueMaxLength());
  }

  @Test
  void keepersCanBeTurnedOffBoundedOrToldFewerStates() throws Exception {
    TefConfig.Amqp amqp = load(Map.of("amqp.keepers", false, "amqp.keeper_queue_max_length", 10)).amqp();
    assertFalse(amqp.keepers());
    assertEquals(10, amqp.keeperQueueMaxLength());
    assertEquals(List.of("completed", "failed"), load(Map.of("amqp.keeper_states", "[completed, failed]")).amqp().keeperStates());
  }

  @Test
  void environmentVariablesSetThemToo() throws Exception {
    Files.writeString(dir.resolve("staging.yaml"), "amqp: {}\n");
    TefConfig c = ConfigLoader.loadBlocking(Map.of("TEF_ENV", "staging", "TEF_CONFIG", dir.toString(),
        "TEF_AMQP_KEEPERS", "false", "TEF_AMQP_KEEPER_QUEUE_MAX_LENGTH", "500", "TEF_AMQP_KEEPER_STATES", "completed,failed"), Map.of());
    assertFalse(c.amqp().keepers());
    assertEquals(500, c.amqp().keeperQueueMaxLength());
    assertEquals(List.of("completed", "failed"), c.amqp().keeperStates());
  }

  @Test
  void contradictoryOrNegativeSettingsStopTheNode() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> load(Map.of("amqp.keepers", false, "amqp.keeper_types", List.of("echo"))));
    assertEquals("amqp.keeper_types", e.key());
    e = assertThrows(ConfigException.class, () -> load(Map.of("amqp.keeper_queue_max_length", -1)));
    assertEquals("amqp.keeper_queue_max_length", e.key());
    e = assertThrows(ConfigException.class, () -> load(Map.of("amqp.keeper_states", "completed,queued")));
    assertEquals("amqp.keeper_states[1]", e.key());
    e = assertThrows(ConfigException.class, () -> load(Map.of("amqp.keeper_states", "[]")));
    assertEquals("amqp.keeper_states", e.key());
  }

  @Test
  void theEarlierNameOfTheSwitchNamesTheNewOne() {
    ConfigException e = assertThrows(ConfigException.class, () -> load(Map.of("amqp.keepers_enabled", false)));
    assertEquals("amqp.keepers_enabled", e.key());
    assertTrue(e.getMessage().contains("renamed amqp.keepers"), e.getMessage());
  }
}
