package io.tef.node;

import io.tef.collective.CollectiveVerticle;
import io.tef.core.config.ConfigLoader;
import io.tef.protocol.Addresses;
import io.tef.registry.RegistryVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static io.tef.node.TestNodes.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One owner per fact. The registry holds every worker name, whatever door the worker came
 * through; one collective watches a worker's heartbeats, which are not published; a collective
 * does not act on its own events. Several collectives and registries run on one node here, as
 * on the nodes of a cluster: requests go to one of them in turn, events reach them all.
 */
class WorkerNameOwnerTest {

  @TempDir
  Path dataDir;

  /** Two more collectives and one more registry beside the node's own. */
  private static void addPeers(TefNode node) throws Exception {
    DeploymentOptions options = new DeploymentOptions().setConfig(ConfigLoader.toJson(node.config()));
    await(node.vertx().deployVerticle(new CollectiveVerticle(), options));
    await(node.vertx().deployVerticle(new CollectiveVerticle(), options));
    await(node.vertx().deployVerticle(new RegistryVerticle(), options));
  }

  private static JsonObject registration(String name, String instance) {
    return new JsonObject().put("name", name).put("instance", instance).put("task_types", new JsonArray().add("sleep"))
        .put("host", "test").put("pid", 1);
  }

  private static ReplyException refused(EventBus bus, String address, JsonObject body) {
    ExecutionException e = assertThrows(ExecutionException.class, () -> await(bus.request(address, body)));
    return assertInstanceOf(ReplyException.class, e.getCause());
  }

  @Test
  void aWorkerThatAnnouncedItselfByItsStatusHoldsItsNameAgainstAnSdkRegistration() throws Exception {
    try (TefNode node = TestNodes.start(dataDir, Map.of())) {
      addPeers(node);
      EventBus bus = node.vertx().eventBus();
      JsonObject status = new JsonObject().put("name", "by-status").put("instance", "tef-1").put("worker_type", "sleep").put("status", "idle");
      await(bus.request(Addresses.COLLECTIVE_STATUS, status));
      await(bus.request(Addresses.COLLECTIVE_STATUS, status)); // a heartbeat, through another collective
      // Each registry in turn: every one of them holds the name.
      for (int i = 0; i < 4; i++) {
        ReplyException held = refused(bus, Addresses.REGISTRY_REGISTER, registration("by-status", "sdk-" + i));
        assertEquals(409, held.failureCode(), held.getMessage());
        JsonObject error = new JsonObject(held.getMessage());
        assertEquals("name", error.getString("field"), error.encode());
        assertTrue(error.getString("error").startsWith("worker name 'by-status' is held by a live worker (instance tef-1)"), error.encode());
        assertTrue(error.getString("error").endsWith("; it is free once that one is offline"), error.encode());
      }
      // The worker it refused did not replace the live one.
      JsonObject record = await(bus.<JsonObject>request(Addresses.COLLECTIVE_WORKERS, new JsonObject().put("name", "by-status"))).body().getJsonObject("worker");
      assertEquals("tef-1", record.getString("instance"), record.encode());
      assertEquals(true, record.getBoolean("alive"), record.encode());

      // Once it says offline the name is free, as a registered worker's is.
      CompletableFuture<JsonObject> offline = new CompletableFuture<>();
      MessageConsumer<JsonObject> events = bus.consumer(Addresses.EVENTS_WORKERS, m -> {
        if ("offline".equals(m.body().getString("event")) && "by-status".equals(m.body().getString("name"))) {
          offline.complete(m.body());
        }
      });
      await(events.completion());
      await(bus.request(Addresses.COLLECTIVE_STATUS, status.copy().put("status", "offline")));
      offline.get(10, TimeUnit.SECONDS);
      // Every registry has heard it (events reach each in order): any of them admits the SDK worker now.
      JsonObject accepted = await(bus.<JsonObject>request(Addresses.REGISTRY_REGISTER, registration("by-status", "sdk-late"))).body();
      assertEquals(true, accepted.getBoolean("accepted"), accepted.encode());
      await(events.unregister());
    }
  }

  @Test
  void aNameRegisteredThroughOneRegistryIsHeldByEveryRegistryAndAgainstAStatus() throws Exception {
    try (TefNode node = TestNodes.start(dataDir, Map.of())) {
      addPeers(node);
      EventBus bus = node.vertx().eventBus();
      await(bus.request(Addresses.REGISTRY_REGISTER, registration("by-sdk", "sdk-1")));
      for (int i = 0; i < 4; i++) {
        ReplyException held = refused(bus, Addresses.REGISTRY_REGISTER, registration("by-sdk", "other-" + i));
        assertEquals(409, held.failureCode(), held.getMessage());
        assertTrue(held.getMessage().contains("worker name 'by-sdk' is held by a live worker (pid 1 on test)"), held.getMessage());
      }
      for (int i = 0; i < 3; i++) {
        ReplyException held = refused(bus, Addresses.COLLECTIVE_STATUS,
            new JsonObject().put("name", "by-sdk").put("instance", "tef-" + i).put("worker_type", "sleep").put("status", "idle"));
        assertEquals(409, held.failureCode(), held.getMessage());
      }
    }
  }

  @Test
  void heartbeatsPublishNothingAndKeepTheWorkerAliveWhicheverCollectiveTheyReach() throws Exception {
    try (TefNode node = TestNodes.start(dataDir, Map.of())) {
      addPeers(node);
      EventBus bus = node.vertx().eventBus();
      List<JsonObject> heard = new CopyOnWriteArrayList<>();
      CompletableFuture<JsonObject> offline = new CompletableFuture<>();
      MessageConsumer<JsonObject> events = bus.consumer(Addresses.EVENTS_WORKERS, m -> {
        if ("beating".equals(m.body().getString("name")) || "beating".equals(m.body().getJsonObject("worker", new JsonObject()).getString("name"))) {
          heard.add(m.body());
          if ("offline".equals(m.body().getString("event"))) {
            offline.complete(m.body());
          }
        }
      });
      await(events.completion());
      long ping = 300;
      await(bus.request(Addresses.REGISTRY_REGISTER, registration("beating", "beat-1").put("ping_interval_ms", ping)));
      JsonObject heartbeat = new JsonObject().put("name", "beating").put("instance", "beat-1").put("status", "idle");
      // Twelve heartbeats, one per interval, each to the next of three collectives: the one that
      // watches the worker hears them all (forwarded), so it is not declared silent.
      int beats = 12;
      for (int i = 0; i < beats; i++) {
        assertEquals(true, await(bus.<JsonObject>request(Addresses.COLLECTIVE_STATUS, heartbeat)).body().getBoolean("ok"));
        Thread.sleep(ping);
      }
      // The marker: a liveness change, published once every heartbeat before it was handled.
      await(bus.request(Addresses.COLLECTIVE_STATUS, heartbeat.copy().put("status", "offline")));
      JsonObject down = offline.get(10, TimeUnit.SECONDS);
      assertEquals("it said so", down.getString("reason"), "declared silent while it beat: " + heard);
      await(events.unregister());
      assertEquals(List.of("registered", "offline"), heard.stream().map(e -> e.getString("event")).toList(),
          beats + " heartbeats published events: " + heard);
    }
  }

  /**
   * A collective's events carry its id; it applied them before publishing and skips them when
   * they come back. Shown by publishing one of its events changed: it does not act on it.
   */
  @Test
  void aCollectiveDoesNotActOnItsOwnEvents() throws Exception {
    try (TefNode node = TestNodes.start(dataDir, Map.of())) {
      EventBus bus = node.vertx().eventBus();
      CompletableFuture<JsonObject> changed = new CompletableFuture<>();
      MessageConsumer<JsonObject> events = bus.consumer(Addresses.EVENTS_WORKERS, m -> {
        if ("status".equals(m.body().getString("event")) && "echoed".equals(m.body().getString("name"))) {
          changed.complete(m.body());
        }
      });
      await(events.completion());
      await(bus.request(Addresses.REGISTRY_REGISTER, registration("echoed", "echo-1").put("ping_interval_ms", 60_000)));
      await(bus.request(Addresses.COLLECTIVE_STATUS,
          new JsonObject().put("name", "echoed").put("instance", "echo-1").put("status", "working").put("task", "t-1").put("attempt", 1)));
      JsonObject own = changed.get(10, TimeUnit.SECONDS);
      await(events.unregister());
      assertTrue(own.getString("by") != null && !own.getString("by").isBlank(), own.encode());

      // Its own status event, back with other content, then its own offline event: neither is acted on.
      bus.publish(Addresses.EVENTS_WORKERS, own.copy().put("status", "idle").put("task", (String) null).put("attempt", 0));
      bus.publish(Addresses.EVENTS_WORKERS, new JsonObject().put("event", "offline").put("name", "echoed").put("instance", "echo-1")
          .put("reason", "an echo").put("cause", "silent").put("by", own.getString("by")));
      // Asked after both were delivered to it (one sender, one collective: in order).
      JsonObject record = await(bus.<JsonObject>request(Addresses.COLLECTIVE_WORKERS, new JsonObject().put("name", "echoed"))).body().getJsonObject("worker");
      assertEquals(true, record.getBoolean("alive"), record.encode());
      assertEquals("working", record.getString("status"), record.encode());
      assertEquals("t-1", record.getString("task"), record.encode());

      // The same events from another collective are its news: its view follows them.
      bus.publish(Addresses.EVENTS_WORKERS, own.copy().put("status", "idle").put("task", (String) null).put("attempt", 0).put("by", "another"));
      record = await(bus.<JsonObject>request(Addresses.COLLECTIVE_WORKERS, new JsonObject().put("name", "echoed"))).body().getJsonObject("worker");
      assertEquals("idle", record.getString("status"), record.encode());
    }
  }
}
