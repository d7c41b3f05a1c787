package io.tef.core.config;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The ZeroMQ door's settings: plain only on loopback unless asked, CurveZMQ keys checked, every fault named. */
class ZmqSettingsTest {

  private static final String KEY = "rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7";
  private static final ZmqSettings.Curve PLAIN = new ZmqSettings.Curve("", List.of());

  private static ZmqSettings settings(String host, int port, boolean allowPlainRemote, ZmqSettings.Curve curve) {
    return new ZmqSettings(host, port, List.of(), 0, allowPlainRemote, 10_000, curve);
  }

  private static ConfigException refused(ZmqSettings s) {
    return assertThrows(ConfigException.class, s::validate);
  }

  @Test
  void plainBeyondLoopbackIsRefusedUnlessAskedFor() {
    ConfigException e = refused(settings("0.0.0.0", 9000, false, PLAIN));
    assertEquals("zmq.host", e.key());
    assertTrue(e.getMessage().contains("zmq.allow_plain_remote"), e.getMessage());
    settings("0.0.0.0", 9000, true, PLAIN).validate();
    settings("127.0.0.1", 9000, false, PLAIN).validate();
    settings("0.0.0.0", -1, false, PLAIN).validate(); // off: binds nothing
    settings("0.0.0.0", 9000, false, new ZmqSettings.Curve(KEY, List.of(KEY))).validate();
  }

  @Test
  void curveKeysAreCheckedAndTheSecretIsNeverEchoed() {
    ConfigException e = refused(settings("127.0.0.1", 9000, false, new ZmqSettings.Curve("not-a-key-secret-value", List.of(KEY))));
    assertEquals("zmq.curve.server_secret", e.key());
    assertFalse(e.getMessage().contains("not-a-key-secret-value"), e.getMessage());
    assertEquals("zmq.curve.clients", refused(settings("127.0.0.1", 9000, false, new ZmqSettings.Curve(KEY, List.of()))).key());
    assertEquals("zmq.curve.clients[1]", refused(settings("127.0.0.1", 9000, false, new ZmqSettings.Curve(KEY, List.of(KEY, "short")))).key());
    assertEquals("zmq.curve.clients", refused(settings("127.0.0.1", 9000, false, new ZmqSettings.Curve("", List.of(KEY)))).key());
  }

  @Test
  void otherFaultsAreNamed() {
    assertEquals("zmq.port", refused(settings("127.0.0.1", 70000, false, PLAIN)).key());
    assertEquals("zmq.task_types[1]", refused(new ZmqSettings("127.0.0.1", 1, List.of("a", "a"), 0, false, 1, PLAIN)).key());
    assertEquals("zmq.task_types[0]", refused(new ZmqSettings("127.0.0.1", 1, List.of("a b"), 0, false, 1, PLAIN)).key());
    assertEquals("zmq.wait_ms", refused(new ZmqSettings("127.0.0.1", 1, List.of(), -1, false, 1, PLAIN)).key());
    assertEquals("zmq.max_in_flight", refused(new ZmqSettings("127.0.0.1", 1, List.of(), 0, false, 0, PLAIN)).key());
  }
}
