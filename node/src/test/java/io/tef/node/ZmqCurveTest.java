package io.tef.node;

import io.tef.core.NodeInfo;
import io.tef.node.cli.TefCommand;
import io.tef.zmq.ServerKey;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.zeromq.ZMQ;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static io.tef.node.TaskEngineClient.META;
import static io.tef.node.TaskEngineClient.task;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** CurveZMQ on the Task Engine's door: a listed client key is served, any other key and a plain client are not. */
class ZmqCurveTest extends SharedNodeTest {

  @TempDir
  static Path dataDir;
  static String endpoint;
  static ZMQ.Curve.KeyPair server = ServerKey.generate();
  static ZMQ.Curve.KeyPair client = ServerKey.generate();

  @BeforeAll
  static void start() throws Exception {
    startNode(dataDir, Map.of("zmq.port", 0, "node.demo_workers", 1,
        "zmq.curve.server_secret", server.secretKey, "zmq.curve.clients", List.of(client.publicKey)));
    endpoint = "tcp://127.0.0.1:" + node.vertx().sharedData().getLocalMap(NodeInfo.MAP).get(NodeInfo.ZMQ_PORT);
  }

  @Test
  void aListedClientKeyIsServed() throws Exception {
    try (TaskEngineClient c = TaskEngineClient.connect(endpoint, "--curve", server.publicKey, client.publicKey, client.secretKey)) {
      assertEquals(5, c.data(task("task_get_count", "[2, 3]")));
    }
  }

  @Test
  void anUnknownKeyAndAPlainClientGetNoConnection() throws Exception {
    ZMQ.Curve.KeyPair stranger = ServerKey.generate();
    try (TaskEngineClient c = TaskEngineClient.connect(endpoint, "--timeout-ms", "3000",
        "--curve", server.publicKey, stranger.publicKey, stranger.secretKey)) {
      assertNull(c.ask(META, task("task_get_count", "[2, 3]")), "the handshake is refused: no answer ever comes");
    }
    try (TaskEngineClient c = TaskEngineClient.connect(endpoint, "--timeout-ms", "3000")) {
      assertNull(c.ask(META), "a plain client cannot talk to a CurveZMQ door");
    }
    // The server's key in the client's place does not make a client either.
    try (TaskEngineClient c = TaskEngineClient.connect(endpoint, "--timeout-ms", "3000",
        "--curve", server.publicKey, server.publicKey, server.secretKey)) {
      assertNull(c.ask(META));
    }
  }

  @Test
  void zmqKeysPrintsAPairWhosePublicKeyBelongsToItsSecret() {
    StringWriter out = new StringWriter();
    CommandLine cli = TefCommand.commandLine();
    cli.setOut(new PrintWriter(out));
    assertEquals(0, cli.execute("zmq-keys"));
    String[] lines = out.toString().trim().split("\n");
    assertTrue(lines[0].startsWith("public: ") && lines[1].startsWith("secret: "), out.toString());
    String publicKey = lines[0].substring("public: ".length()).trim();
    String secretKey = lines[1].substring("secret: ".length()).trim();
    assertEquals(40, publicKey.length());
    assertEquals(publicKey, ServerKey.publicOf(secretKey));
    assertEquals(server.publicKey, ServerKey.publicOf(server.secretKey));
  }
}
