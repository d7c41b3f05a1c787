package io.tef.node;

import io.tef.client.BulkResult;
import io.tef.client.DispatcherStatus;
import io.tef.client.Submitted;
import io.tef.client.SuiteStatus;
import io.tef.client.Subscription;
import io.tef.client.TaskEvent;
import io.tef.client.TaskRequest;
import io.tef.client.TaskView;
import io.tef.client.TefClient;
import io.tef.client.TefException;
import io.tef.core.NodeInfo;
import io.tef.protocol.DispatcherState;
import io.tef.protocol.task.TaskState;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static io.tef.node.TestNodes.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link TefClient} against a node, the same calls over the event bus (the node's own Vert.x) and
 * over the TCP bridge from a Vert.x of its own that joins no cluster (a thin client with a key).
 */
class TefClientTest extends SharedNodeTest {

  static final String KEY = "client-test-key-1";
  static final String READER = "client-reader-key-1";

  @org.junit.jupiter.api.io.TempDir
  static Path dataDir;
  static Vertx thin;

  @BeforeAll
  static void start() throws Exception {
    startNode(dataDir, Map.of("eventbus.tcp_bridge.port", 0, "node.demo_workers", 2, "auth.api_keys",
        List.of(KEY, Map.of("name", "reader", "key", READER, "roles", List.of("read")))));
    thin = Vertx.vertx();
  }

  @AfterAll
  static void closeThin() throws Exception {
    await(thin.close());
  }

  private static TefClient client(String transport, String key) throws Exception {
    int port = (Integer) node.vertx().sharedData().getLocalMap(NodeInfo.MAP).get(NodeInfo.TCP_BRIDGE_PORT);
    return "bridge".equals(transport) ? await(TefClient.tcpBridge(thin, "127.0.0.1", port, key)) : TefClient.eventBus(node.vertx());
  }

  private static TefException refusal(io.vertx.core.Future<?> f) {
    ExecutionException e = assertThrows(ExecutionException.class, () -> await(f));
    return assertInstanceOf(TefException.class, e.getCause());
  }

  @ParameterizedTest
  @ValueSource(strings = {"eventbus", "bridge"})
  void submitGetListAndHearTheEnd(String transport) throws Exception {
    TefClient tef = client(transport, KEY);
    String guid = "client-" + transport + "-1";
    CompletableFuture<TaskEvent> ended = new CompletableFuture<>();
    Subscription sub = await(tef.onTask(guid, e -> {
      if (e.kind() == TaskEvent.Kind.ENDED) {
        ended.complete(e);
      }
    }));
    Submitted s = await(tef.submit(TaskRequest.of("echo").withGuid(guid).withData(new JsonObject().put("n", 1)).withPriority(3)));
    assertTrue(s.created());
    assertEquals(guid, s.task().guid());
    TaskEvent end = ended.get(30, TimeUnit.SECONDS);
    assertEquals(TaskState.COMPLETED, end.task().state());
    assertEquals(new JsonObject().put("n", 1), end.task().result());
    assertFalse(await(tef.submit(TaskRequest.of("echo").withGuid(guid))).created(), "the same guid again creates nothing");
    TaskView got = await(tef.get(guid)).orElseThrow();
    assertEquals(3, got.priority());
    assertTrue(got.ended());
    assertTrue(await(tef.get("no-such-task-" + transport)).isEmpty());
    List<TaskView> listed = await(tef.list(TaskState.COMPLETED, "echo", null, 1000));
    assertTrue(listed.stream().anyMatch(t -> t.guid().equals(guid)), "listed");
    await(sub.close());
    await(tef.close());
  }

  @ParameterizedTest
  @ValueSource(strings = {"eventbus", "bridge"})
  void suitesCancelBulkAndTheDispatcher(String transport) throws Exception {
    TefClient tef = client(transport, KEY);
    String suite = "client-suite-" + transport;
    Instant later = Instant.parse("2999-01-01T00:00:00Z");
    BulkResult bulk = await(tef.submitAll(List.of(TaskRequest.of("echo").inSuite(suite).withGuid(suite + "-a"),
        TaskRequest.of("echo").inSuite(suite).withGuid("has a space"), TaskRequest.of("echo").inSuite(suite).withGuid(suite + "-c"))));
    assertEquals(2, bulk.accepted());
    assertEquals(1, bulk.refused());
    BulkResult.Item bad = bulk.items().get(1);
    assertFalse(bad.accepted());
    assertEquals("guid", bad.refusal().field(), bad.refusal().getMessage());
    assertEquals(suite + "-c", bulk.items().get(2).guid());
    events.await(suite + "-a");
    events.await(suite + "-c");
    assertEquals(400, bad.refusal().status());

    await(tef.submit(TaskRequest.of("echo").inSuite(suite).withGuid(suite + "-later").runAt(later)));
    assertEquals(TaskState.CANCELLED, await(tef.cancel(suite + "-later")).state());
    assertEquals(409, refusal(tef.cancel(suite + "-later")).status(), "already ended");
    await(tef.submit(TaskRequest.of("echo").withGuid(suite + "-again").runAt(later)));
    await(tef.cancel(suite + "-again"));
    assertEquals(TaskState.QUEUED, await(tef.retry(suite + "-again")).state(), "retry now: queued again");
    assertEquals(404, refusal(tef.retry(suite + "-nothing")).status());

    await(tef.submit(TaskRequest.of("echo").inSuite(suite).withGuid(suite + "-held").runAt(later)));
    SuiteStatus status = await(tef.suite(suite, 10));
    assertEquals(4, status.total(), status.toString());
    assertEquals(1L, status.counts().get(TaskState.CANCELLED));
    assertEquals(4, status.tasks().size());
    assertEquals(1L, await(tef.stopSuite(suite)), "the one unfinished task of the suite is cancelled");

    DispatcherStatus d = await(tef.dispatcherState());
    assertEquals(DispatcherState.RUNNING, d.state());
    await(tef.setDispatcherState(DispatcherState.PAUSED));
    assertEquals(DispatcherState.PAUSED, await(tef.dispatcherState()).state());
    await(tef.setDispatcherState(DispatcherState.RUNNING));

    TefException missing = refusal(tef.submit(TaskRequest.of(null)));
    assertEquals(400, missing.status());
    assertEquals("task_type", missing.field(), missing.getMessage());
    await(tef.close());
  }

  /** Over the bridge the key decides: a reader key reads, and its submit is refused naming the key. */
  @org.junit.jupiter.api.Test
  void aReaderKeyReadsButCannotSubmit() throws Exception {
    TefClient reader = client("bridge", READER);
    assertEquals(DispatcherState.RUNNING, await(reader.dispatcherState()).state());
    TefException refused = refusal(reader.submit(TaskRequest.of("echo").withGuid("by-a-reader")));
    assertEquals(403, refused.status());
    assertEquals("api-key", refused.field());
    assertTrue(await(reader.get("by-a-reader")).isEmpty());
    TefClient unkeyed = client("bridge", null);
    TefException noKey = refusal(unkeyed.dispatcherState());
    assertEquals(401, noKey.status());
    await(unkeyed.close());
    await(reader.close());
  }
}
