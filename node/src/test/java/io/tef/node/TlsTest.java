package io.tef.node;

import io.tef.core.config.ConfigException;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.SelfSignedCertificate;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

import static io.tef.node.TestNodes.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * HTTPS for the gateway and amqps:// for the bridge, with a certificate made by the test. The
 * broker's side of TLS is a proxy of the test's (a Vert.x TLS server piping to the local
 * RabbitMQ), so the bridge's TLS client is what is tested, against the real broker behind it.
 */
class TlsTest {

  static Vertx vertx;
  static SelfSignedCertificate cert;

  @BeforeAll
  static void certificate() {
    vertx = Vertx.vertx();
    cert = SelfSignedCertificate.create("localhost");
  }

  @AfterAll
  static void close() throws Exception {
    await(vertx.close());
  }

  @Test
  void theGatewayServesHttpsFromPemFiles(@TempDir Path dir) throws Exception {
    TefNode node = TestNodes.start(dir, Map.of("http.tls.cert", cert.certificatePath(), "http.tls.key", cert.privateKeyPath()));
    WebClient tls = WebClient.create(vertx, new WebClientOptions().setSsl(true).setVerifyHost(true)
        .setTrustOptions(new PemTrustOptions().addCertPath(cert.certificatePath())).setDefaultHost("localhost").setDefaultPort(node.httpPort()));
    WebClient plain = WebClient.create(vertx, new WebClientOptions().setDefaultHost("localhost").setDefaultPort(node.httpPort()));
    try {
      HttpResponse<Buffer> submitted = await(tls.post("/api/tasks").sendJsonObject(new JsonObject().put("task_type", "echo").put("guid", "over-tls")));
      assertEquals(201, submitted.statusCode(), submitted.bodyAsString());
      assertEquals(200, await(tls.get("/api/tasks/over-tls").send()).statusCode());
      assertThrows(ExecutionException.class, () -> await(plain.get("/api/tasks/over-tls").send()), "no plain HTTP beside HTTPS");
    } finally {
      tls.close();
      plain.close();
      node.close();
    }
  }

  /** With the gateway's certificate set, the TCP bridge speaks TLS too: TefClient connects with trust, a plain client cannot. */
  @Test
  void theTcpBridgeSpeaksTlsWithTheGatewaysCertificate(@TempDir Path dir) throws Exception {
    TefNode node = TestNodes.start(dir, Map.of("http.tls.cert", cert.certificatePath(), "http.tls.key", cert.privateKeyPath(),
        "eventbus.tcp_bridge.port", 0, "node.demo_workers", 1));
    int port = (Integer) node.vertx().sharedData().getLocalMap(io.tef.core.NodeInfo.MAP).get(io.tef.core.NodeInfo.TCP_BRIDGE_PORT);
    try {
      io.tef.client.TefClient tef = await(io.tef.client.TefClient.tcpBridge(vertx, new io.vertx.core.net.NetClientOptions().setSsl(true)
          .setHostnameVerificationAlgorithm("HTTPS").setTrustOptions(new PemTrustOptions().addCertPath(cert.certificatePath())), "localhost", port, null));
      assertTrue(await(tef.submit(io.tef.client.TaskRequest.of("echo").withGuid("bridge-over-tls"))).created());
      await(tef.close());
      ExecutionException e = assertThrows(ExecutionException.class, () -> await(io.tef.client.TefClient.tcpBridge(vertx, "localhost", port, null)));
      assertEquals(503, ((io.tef.client.TefException) e.getCause()).status(), "a plain client is not answered on a TLS port: " + e.getCause());
    } finally {
      node.close();
    }
  }

  @Test
  void halfATlsSettingOrAMissingFileStopsTheNodeNamingTheKey(@TempDir Path dir) {
    ConfigException half = assertThrows(ConfigException.class, () -> TestNodes.config(dir, Map.of("http.tls.cert", cert.certificatePath())));
    assertTrue(half.getMessage().contains("http.tls.key is empty"), half.getMessage());
    ConfigException missing = assertThrows(ConfigException.class,
        () -> TestNodes.config(dir, Map.of("http.tls.cert", dir.resolve("nope.pem").toString(), "http.tls.key", cert.privateKeyPath())));
    assertTrue(missing.getMessage().contains("http.tls.cert names") && missing.getMessage().contains("not a readable file"), missing.getMessage());
    ConfigException ca = assertThrows(ConfigException.class, () -> TestNodes.config(dir, Map.of("amqp.tls_ca_file", "/no/such/ca.pem")));
    assertTrue(ca.getMessage().contains("amqp.tls_ca_file names"), ca.getMessage());
  }

  /** amqps:// connects (it used to fail on the client's missing SSL options) and the door works through it. */
  @Test
  void theBridgeSpeaksAmqpsToATlsBroker(@TempDir Path dir) throws Exception {
    AmqpBroker broker = AmqpBroker.require();
    AtomicInteger tlsConnections = new AtomicInteger();
    NetClient toBroker = vertx.createNetClient();
    NetServer proxy = vertx.createNetServer(new NetServerOptions().setSsl(true)
        .setKeyCertOptions(new PemKeyCertOptions().setCertPath(cert.certificatePath()).setKeyPath(cert.privateKeyPath())));
    proxy.connectHandler(client -> {
      tlsConnections.incrementAndGet();
      client.pause();
      toBroker.connect(5672, "127.0.0.1").onSuccess(upstream -> {
        pipe(client, upstream);
        pipe(upstream, client);
        client.resume();
      }).onFailure(err -> client.close());
    });
    int port = await(proxy.listen(0, "127.0.0.1")).actualPort();
    Map<String, Object> settings = new HashMap<>(broker.nodeSettings());
    settings.put("amqp.url", "amqps://guest:guest@localhost:" + port);
    settings.put("amqp.tls_ca_file", cert.certificatePath());
    TefNode node = TestNodes.start(dir, settings);
    try {
      AmqpBroker.awaitUp(node);
      assertTrue(tlsConnections.get() >= 2, "the bridge's connections went through TLS: " + tlsConnections.get());
      AmqpBroker.ReplyQueue replies = broker.replies();
      broker.send(broker.prefix() + ".manager", "{\"type\":\"get_workers\"}", replies.name(), "tls-1");
      assertTrue(replies.await("tls-1").containsKey("response"), "the bridge answered through its TLS connection");
    } finally {
      node.close();
      await(proxy.close());
      broker.close();
    }
  }

  private static void pipe(NetSocket from, NetSocket to) {
    from.handler(to::write);
    from.closeHandler(v -> to.close());
  }
}
