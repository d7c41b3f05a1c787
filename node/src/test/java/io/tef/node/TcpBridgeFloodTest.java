package io.tef.node;

import io.tef.core.NodeInfo;
import io.tef.protocol.Addresses;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;

import static io.tef.node.TestNodes.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A client that floods the TCP bridge is held to eventbus.tcp_bridge.max_in_flight requests at a
 * time: the rest wait in its own connection (TCP holds it back), not as requests inside the node.
 * The node here is a gateway alone, and the test answers tef.tasks.query itself, when it chooses.
 */
class TcpBridgeFloodTest {

  @TempDir
  Path dataDir;

  @Test
  void aFloodingClientHasAtMostMaxInFlightRequestsInTheNode() throws Exception {
    TefNode node = TestNodes.start(dataDir, Map.of("node.roles", List.of("gateway"), "eventbus.tcp_bridge.port", 0,
        "eventbus.tcp_bridge.max_in_flight", 4));
    ConcurrentLinkedQueue<Message<Object>> held = new ConcurrentLinkedQueue<>();
    // The bridge's requests are held (a store that is slow to answer); the node's own readiness pings are answered.
    MessageConsumer<Object> slow = node.vertx().eventBus().consumer(Addresses.TASKS_QUERY, m -> {
      if ("tcp_bridge".equals(m.headers().get(Addresses.DOOR_HEADER))) {
        held.add(m);
      } else {
        m.reply(new JsonObject().put("store", "up"));
      }
    });
    await(slow.completion());
    int port = (Integer) node.vertx().sharedData().getLocalMap(NodeInfo.MAP).get(NodeInfo.TCP_BRIDGE_PORT);
    try (Socket socket = new Socket("127.0.0.1", port)) {
      DataOutputStream out = new DataOutputStream(socket.getOutputStream());
      DataInputStream in = new DataInputStream(socket.getInputStream());
      socket.setSoTimeout(15_000);
      for (int i = 0; i < 200; i++) {
        byte[] frame = new JsonObject().put("type", "send").put("address", Addresses.TASKS_QUERY).put("replyAddress", "r-" + i)
            .put("body", new JsonObject().put("action", "ping")).encode().getBytes(StandardCharsets.UTF_8);
        out.writeInt(frame.length);
        out.write(frame);
      }
      out.flush();
      Polling.until("the first requests arrive", Duration.ofSeconds(10), () -> held.size() == 4);
      Thread.sleep(300); // nothing to await for an absence: long enough for more to arrive, were the bound not there
      assertEquals(4, held.size(), "no more than max_in_flight requests of one client inside the node");
      int answered = 0;
      while (answered < 200) {
        Message<Object> m = Polling.until("request " + answered + " arrives once an earlier one is answered", Duration.ofSeconds(10),
            held::poll, java.util.Objects::nonNull);
        m.reply(new JsonObject().put("store", "up"));
        byte[] b = new byte[in.readInt()];
        in.readFully(b);
        assertEquals("r-" + answered, new JsonObject(new String(b, StandardCharsets.UTF_8)).getString("address"), "answered in order");
        answered++;
        assertEquals(true, held.size() <= 4, "still bounded: " + held.size());
      }
    } finally {
      await(slow.unregister());
      node.close();
    }
  }
}
