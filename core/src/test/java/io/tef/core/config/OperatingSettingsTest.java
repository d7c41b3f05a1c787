package io.tef.core.config;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** metrics.*, retention.* and logging.*: the defaults hold, every bad value is refused naming its key. */
class OperatingSettingsTest {

  private static RetentionSettings retention(String completed) {
    return new RetentionSettings(completed, "30d", "forever", 0, 60_000, 500);
  }

  @Test
  void agesReadShortFormsIsoAndForever() {
    assertEquals(Duration.ofDays(7), retention("7d").completedAge());
    assertEquals(Duration.ofHours(36), retention("36h").completedAge());
    assertEquals(Duration.ofMinutes(1), retention("1m").completedAge());
    assertEquals(Duration.ofSeconds(90), retention("90s").completedAge());
    assertEquals(Duration.ofHours(36), retention("PT36H").completedAge());
    assertNull(retention("forever").completedAge());
    assertNull(retention("Forever").cancelledAge());
    assertEquals(Duration.ofDays(30), retention("7d").failedAge());
    assertTrue(new RetentionSettings("forever", "forever", "forever", 0, 60_000, 500).keepsEverything());
    assertTrue(!new RetentionSettings("forever", "forever", "forever", 10, 60_000, 500).keepsEverything());
  }

  @Test
  void aBadAgeIsRefusedNamingItsKey() {
    for (String bad : new String[] {"7 days", "", "-1d", "10", "0s", "500ms", "P1Y"}) {
      ConfigException e = assertThrows(ConfigException.class, () -> retention(bad).validate(), bad);
      assertEquals("retention.completed", e.key(), bad);
    }
    assertEquals("retention.failed", assertThrows(ConfigException.class,
        () -> new RetentionSettings("7d", "a month", "7d", 0, 60_000, 500).validate()).key());
    assertEquals("retention.max_finished", assertThrows(ConfigException.class,
        () -> new RetentionSettings("7d", "7d", "7d", -1, 60_000, 500).validate()).key());
    assertEquals("retention.batch", assertThrows(ConfigException.class,
        () -> new RetentionSettings("7d", "7d", "7d", 0, 60_000, 0).validate()).key());
    assertEquals("retention.sweep_ms", assertThrows(ConfigException.class,
        () -> new RetentionSettings("7d", "7d", "7d", 0, 10, 500).validate()).key());
  }

  @Test
  void metricsAndLoggingAreChecked() {
    new MetricsSettings(true, 200, 5000).validate();
    assertEquals("metrics.max_task_types", assertThrows(ConfigException.class, () -> new MetricsSettings(true, 0, 5000).validate()).key());
    assertEquals("metrics.refresh_ms", assertThrows(ConfigException.class, () -> new MetricsSettings(true, 10, 1).validate()).key());
    new LoggingSettings("json", Map.of("io.tef.dispatcher", "debug", "ROOT", "WARN")).validate();
    assertEquals("logging.format", assertThrows(ConfigException.class, () -> new LoggingSettings("xml", Map.of()).validate()).key());
    ConfigException level = assertThrows(ConfigException.class, () -> new LoggingSettings("text", Map.of("io.tef", "loud")).validate());
    assertEquals("logging.levels.io.tef", level.key());
    assertTrue(level.getMessage().contains("loud") && level.getMessage().contains("debug"), level.getMessage());
    assertEquals("logging.levels", assertThrows(ConfigException.class, () -> new LoggingSettings("text", Map.of("no spaces", "info")).validate()).key());
  }

  @Test
  void theDefaultsAreThoseDocumented() throws Exception {
    TefConfig c = ConfigLoader.loadBlocking(Map.of("TEF_ENV", "test", "TEF_CONFIG", java.nio.file.Path.of("..", "conf").toAbsolutePath().toString()), Map.of());
    assertTrue(c.metrics().enabled());
    assertEquals(Duration.ofDays(7), c.retention().completedAge());
    assertEquals(Duration.ofDays(30), c.retention().failedAge());
    assertEquals(Duration.ofDays(7), c.retention().cancelledAge());
    assertEquals("text", c.logging().format());
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.loadBlocking(
        Map.of("TEF_ENV", "test", "TEF_CONFIG", java.nio.file.Path.of("..", "conf").toAbsolutePath().toString()), Map.of("retention.completed", "soon")));
    assertEquals("retention.completed", e.key());
  }
}
