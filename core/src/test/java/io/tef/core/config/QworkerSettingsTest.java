package io.tef.core.config;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** qworker.*: each bad value is named by its key. */
class QworkerSettingsTest {

  private static QworkerSettings with(String channel, String db, String prefix, long ping) {
    return new QworkerSettings(true, channel, 5_242_880, db, prefix, ping, 1000);
  }

  private static String key(QworkerSettings s) {
    return assertThrows(ConfigException.class, s::validate).key();
  }

  @Test
  void badValuesAreNamed() {
    with("mubsub", "", "qworker.", 5000).validate();
    with("mubsub", "mongodb://db:27017/tef", "qworker.", 5000).validate();
    assertEquals("qworker.channel", key(with("mub sub", "", "qworker.", 5000)));
    assertEquals("qworker.channel", key(with("system.x", "", "qworker.", 5000)));
    assertEquals("qworker.db", key(with("mubsub", "http://db", "qworker.", 5000)));
    assertEquals("qworker.collection_prefix", key(with("mubsub", "", "tasks", 5000)));
    assertEquals("qworker.collection_prefix", key(with("mubsub", "", "a$b", 5000)));
    assertEquals("qworker.ping_interval_ms", key(with("mubsub", "", "qworker.", 10)));
    assertEquals("qworker.process_every_ms", key(new QworkerSettings(true, "mubsub", 5_242_880, "", "qworker.", 5000, 1)));
    assertEquals("qworker.channel_size_bytes", key(new QworkerSettings(true, "mubsub", 10, "", "qworker.", 5000, 1000)));
  }
}
