package io.tef.client;

import io.tef.protocol.DispatcherState;
import io.tef.protocol.task.TaskState;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.util.List;

/**
 * The examples {@link TefClient}'s documentation points to, compiled with the tests so they stay
 * true; {@code node}'s TefClientTest runs the same calls against a node.
 */
final class TefClientExamples {

  /** A thin client: no cluster, one TCP connection to the node's bridge, a key with the submit and read roles. */
  static Future<Void> submitAndWait(Vertx vertx) {
    return TefClient.tcpBridge(vertx, "127.0.0.1", 7001, System.getenv("TEF_API_KEY")).compose(tef ->
        tef.submit(TaskRequest.of("resize").withGuid("img-42").withData(new JsonObject().put("width", 200)).withPriority(5))
            .compose(s -> tef.onTask(s.task().guid(), e -> {
              if (e.kind() == TaskEvent.Kind.ENDED) {
                System.out.println(e.guid() + " " + e.task().state() + ": " + e.task().result());
              }
            }))
            .mapEmpty());
  }

  /** Inside the cluster (a Vert.x built with TEF's cluster manager): the same calls on the event bus. */
  static Future<Void> operate(Vertx clustered) {
    TefClient tef = TefClient.eventBus(clustered);
    return tef.submitAll(List.of(TaskRequest.of("report").inSuite("nightly").runAt(Instant.parse("2030-01-01T02:00:00Z")),
            TaskRequest.of("report").inSuite("nightly").withMaxAttempts(5)))
        .compose(bulk -> {
          bulk.items().stream().filter(i -> !i.accepted())
              .forEach(i -> System.out.println("item " + i.index() + " refused: " + i.refusal().field() + " " + i.refusal().getMessage()));
          return tef.suite("nightly", 10);
        })
        .compose(suite -> {
          System.out.println(suite.total() + " tasks, " + suite.counts().getOrDefault(TaskState.QUEUED, 0L) + " queued");
          return tef.pauseSuite("nightly");
        })
        .compose(paused -> tef.setDispatcherState(DispatcherState.RUNNING))
        .recover(err -> {
          if (err instanceof TefException e) {
            System.out.println("refused (" + e.status() + ", " + e.field() + "): " + e.getMessage());
          }
          return Future.failedFuture(err);
        });
  }

  private TefClientExamples() {
  }
}
