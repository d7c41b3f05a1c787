package io.tef.node;

import io.tef.protocol.Addresses;
import io.tef.core.config.ConfigLoader;
import io.tef.core.config.TefConfig;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Starts real nodes for tests: the test environment's config, a fresh data folder. */
final class TestNodes {

  /**
   * The Hazelcast cluster name of this test run: clustered nodes of another run on the same
   * machine (a second checkout, CI beside a developer) never join ours.
   */
  static final String CLUSTER_NAME = "tef-test-" + ProcessHandle.current().pid();

  static TefConfig config(Path dataDir, Map<String, Object> overrides) throws Exception {
    Map<String, Object> all = new HashMap<>(overrides);
    all.put("node.data_dir", dataDir.toString());
    all.putIfAbsent("node.name", "test-node");
    all.putIfAbsent("cluster.name", CLUSTER_NAME);
    return ConfigLoader.loadBlocking(Map.of("TEF_ENV", "test"), all);
  }

  static TefNode start(Path dataDir, Map<String, Object> overrides) throws Exception {
    return TefNode.start(config(dataDir, overrides), null);
  }

  static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private TestNodes() {
  }

  /** Every dispatcher knows the others: a control message reaches them all and counts them (60 s at most). */
  static void awaitDispatchers(TefNode node, long count) throws Exception {
    Polling.until(count + " dispatchers answer", java.time.Duration.ofSeconds(60), java.time.Duration.ofMillis(200),
        () -> await(node.vertx().eventBus().<JsonObject>request(Addresses.DISPATCHER_CONTROL,
            new JsonObject().put("type", "set_state").put("data", "running"))).body(),
        last -> last.getLong("dispatchers", 0L) == count);
  }
}
