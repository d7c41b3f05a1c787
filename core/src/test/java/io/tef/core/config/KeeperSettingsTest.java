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
  void keepersArePublishedAndBoundedByDefault() throws Exception {
    TefConfig.Amqp amqp = load(Map.of()).amqp();
    assertTrue(amqp.keepersEnabled());
    assertEquals(100_000, amqp.keeperQueueMaxLength());
  }

  @Test
  void keepersCanBeTurnedOffAndUnbounded() throws Exception {
    TefConfig.Amqp amqp = load(Map.of("amqp.keepers_enabled", false, "amqp.keeper_queue_max_length", 0)).amqp();
    assertFalse(amqp.keepersEnabled());
    assertEquals(0, amqp.keeperQueueMaxLength());
  }

  @Test
  void anEnvironmentVariableTurnsThemOff() throws Exception {
    Files.writeString(dir.resolve("staging.yaml"), "amqp: {}\n");
    TefConfig c = ConfigLoader.loadBlocking(Map.of("TEF_ENV", "staging", "TEF_CONFIG", dir.toString(),
        "TEF_AMQP_KEEPERS_ENABLED", "false", "TEF_AMQP_KEEPER_QUEUE_MAX_LENGTH", "500"), Map.of());
    assertFalse(c.amqp().keepersEnabled());
    assertEquals(500, c.amqp().keeperQueueMaxLength());
  }

  @Test
  void contradictoryOrNegativeSettingsStopTheNode() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> load(Map.of("amqp.keepers_enabled", false, "amqp.keeper_types", List.of("echo"))));
    assertEquals("amqp.keeper_types", e.key());
    e = assertThrows(ConfigException.class, () -> load(Map.of("amqp.keeper_queue_max_length", -1)));
    assertEquals("amqp.keeper_queue_max_length", e.key());
  }
}
