package io.tef.client;

import io.tef.protocol.Addresses;
import io.tef.protocol.DispatcherState;
import io.tef.protocol.task.TaskState;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClientOptions;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * TEF for a JVM program: submit, read, cancel, suites, the dispatcher's state, and task events,
 * with typed records; every refusal is a {@link TefException} naming the field. It carries no
 * store and no TEF verticle: over {@link #eventBus the clustered event bus} it speaks to the
 * addresses of {@code protocol}'s {@link Addresses}, and over {@link #tcpBridge the TCP bridge}
 * the same messages through one connection, without joining the cluster. Examples, compiled
 * with the tests: {@code worker-sdk/src/test/java/io/tef/client/TefClientExamples.java}.
 *
 * <pre>{@code
 * TefClient tef = TefClient.tcpBridge(vertx, "127.0.0.1", 7001, System.getenv("TEF_API_KEY")).await();
 * Submitted s = tef.submit(TaskRequest.of("resize").withData(new JsonObject().put("w", 200))).await();
 * tef.onTask(s.task().guid(), e -> System.out.println(e.kind() + " " + e.task()));
 * }</pre>
 */
public final class TefClient {

  /** How long a request waits for its answer unless told otherwise. */
  public static final long DEFAULT_TIMEOUT_MS = 30_000;

  private final Transport transport;

  private TefClient(Transport transport) {
    this.transport = transport;
  }

  /** A client on the event bus of {@code vertx}, which must be a member of TEF's cluster (or a node's own Vert.x). */
  public static TefClient eventBus(Vertx vertx) {
    return new TefClient(new EventBusTransport(vertx, DEFAULT_TIMEOUT_MS));
  }

  /**
   * A thin client through TEF's TCP event-bus bridge ({@code --tcp-bridge-port}); {@code apiKey}
   * is sent with every frame (null for a node without keys).
   */
  public static Future<TefClient> tcpBridge(Vertx vertx, String host, int port, String apiKey) {
    return tcpBridge(vertx, new NetClientOptions(), host, port, apiKey);
  }

  /**
   * The same with the connection's options: for a bridge that speaks TLS (a node with
   * {@code http.tls.*}), {@code new NetClientOptions().setSsl(true).setHostnameVerificationAlgorithm("HTTPS")
   * .setTrustOptions(...)}.
   */
  public static Future<TefClient> tcpBridge(Vertx vertx, NetClientOptions options, String host, int port, String apiKey) {
    return TcpBridgeTransport.connect(vertx, options, host, port, apiKey, DEFAULT_TIMEOUT_MS).map(TefClient::new);
  }

  /** Submits one task; answered once it is stored. Submitting a guid that exists returns the stored task ({@code created} false). */
  public Future<Submitted> submit(TaskRequest request) {
    return object(Addresses.TASKS_SUBMIT, request.toJson()).map(TefClient::submitted);
  }

  /** Submits up to 10,000 tasks in one message; each is accepted or refused on its own. */
  public Future<BulkResult> submitAll(List<TaskRequest> requests) {
    JsonArray batch = new JsonArray();
    requests.forEach(r -> batch.add(r.toJson()));
    return object(Addresses.TASKS_SUBMIT, batch).map(reply -> {
      List<BulkResult.Item> items = new ArrayList<>();
      JsonArray results = reply.getJsonArray("results", new JsonArray());
      for (int i = 0; i < results.size(); i++) {
        JsonObject r = results.getJsonObject(i);
        int status = r.getInteger("status", 500);
        int index = r.getInteger("index", i);
        if (status < 300) {
          items.add(new BulkResult.Item(index, status == 201, r.getString("guid"), TaskState.fromWire(r.getString("state")), null));
        } else {
          JsonObject e = r.getJsonObject("error", new JsonObject());
          items.add(new BulkResult.Item(index, false, null, null, new TefException(status, e.getString("field"), e.getString("error"))));
        }
      }
      return new BulkResult(reply.getInteger("accepted", 0), reply.getInteger("created", 0), reply.getInteger("refused", 0), items);
    });
  }

  public Future<Optional<TaskView>> get(String guid) {
    return object(Addresses.TASKS_QUERY, new JsonObject().put("action", "get").put("guid", guid))
        .map(reply -> Optional.ofNullable(reply.getJsonObject("task")).map(TaskView::of));
  }

  /** The newest tasks (at most {@code limit}, 1 to 1000) in that state, of that type, of that suite; null: any. */
  public Future<List<TaskView>> list(TaskState state, String taskType, String suiteGuid, int limit) {
    JsonObject q = new JsonObject().put("action", "list").put("limit", limit);
    if (state != null) {
      q.put("state", state.wire());
    }
    if (taskType != null) {
      q.put("task_type", taskType);
    }
    if (suiteGuid != null) {
      q.put("suite_guid", suiteGuid);
    }
    return object(Addresses.TASKS_QUERY, q).map(reply -> views(reply.getJsonArray("tasks")));
  }

  /** Cancels a task in any state but ended; a running one is taken back from its worker. */
  /** Retry now: a failed or cancelled task queued again under a new attempt (409 for any other state). */
  public Future<TaskView> retry(String guid) {
    return object(Addresses.TASKS_RETRY, new JsonObject().put("guid", guid)).map(reply -> TaskView.of(reply.getJsonObject("task")));
  }

  public Future<TaskView> cancel(String guid) {
    return object(Addresses.TASKS_CANCEL, new JsonObject().put("guid", guid)).map(reply -> TaskView.of(reply.getJsonObject("task")));
  }

  /** A suite's counts by state and its {@code limit} newest tasks (0 to 1000). */
  public Future<SuiteStatus> suite(String suiteGuid, int limit) {
    return object(Addresses.TASKS_QUERY, new JsonObject().put("action", "suite").put("suite_guid", suiteGuid).put("limit", limit)).map(reply -> {
      Map<TaskState, Long> counts = new EnumMap<>(TaskState.class);
      reply.getJsonObject("counts", new JsonObject()).forEach(e -> {
        TaskState s = TaskState.fromWire(e.getKey());
        if (s != null && e.getValue() instanceof Number n) {
          counts.put(s, n.longValue());
        }
      });
      return new SuiteStatus(suiteGuid, reply.getLong("total", 0L), counts, views(reply.getJsonArray("tasks")));
    });
  }

  /** Holds the suite's queued tasks, and those submitted to it later; the answer counts them. */
  public Future<Long> pauseSuite(String suiteGuid) {
    return suiteControl("pause_suite", suiteGuid, "paused");
  }

  /** Queues the suite's held tasks again; the answer counts them. */
  public Future<Long> readySuite(String suiteGuid) {
    return suiteControl("ready_suite", suiteGuid, "queued");
  }

  /** Cancels every unfinished task of the suite; the answer counts them. */
  public Future<Long> stopSuite(String suiteGuid) {
    return suiteControl("stop_suite", suiteGuid, "cancelled");
  }

  public Future<DispatcherStatus> dispatcherState() {
    return object(Addresses.DISPATCHER_CONTROL, new JsonObject().put("type", "get_state")).map(r -> new DispatcherStatus(
        DispatcherState.parse(r.getValue("response"), "response"), r.getLong("live", 0L), r.getLong("queued", 0L),
        r.getLong("waiting", 0L), r.getLong("workers", 0L)));
  }

  /** Running, paused (nothing is handed out) or stopped (no endings recorded either); needs the admin role. */
  public Future<Void> setDispatcherState(DispatcherState state) {
    return object(Addresses.DISPATCHER_CONTROL, new JsonObject().put("type", "set_state").put("data", state.wire())).mapEmpty();
  }

  /** The events of one task: its end, and progress its worker reports. */
  public Future<Subscription> onTask(String guid, Handler<TaskEvent> handler) {
    return events(e -> guid.equals(e.guid()), handler);
  }

  /** The ends of the tasks of a suite (progress carries no suite, so only ends). */
  public Future<Subscription> onSuite(String suiteGuid, Handler<TaskEvent> handler) {
    return events(e -> e.task() != null && suiteGuid.equals(e.task().suiteGuid()), handler);
  }

  /** The events of every task of a type. */
  public Future<Subscription> onTaskType(String taskType, Handler<TaskEvent> handler) {
    return events(e -> taskType.equals(e.taskType()), handler);
  }

  public Future<Void> close() {
    return transport.close();
  }

  private Future<Subscription> events(java.util.function.Predicate<TaskEvent> filter, Handler<TaskEvent> handler) {
    Handler<TaskEvent> filtered = e -> {
      if (filter.test(e)) {
        handler.handle(e);
      }
    };
    Future<Subscription> ends = transport.listen(Addresses.EVENTS_TASKS, body -> {
      if (body instanceof JsonObject v) {
        TaskView t = TaskView.of(v);
        filtered.handle(new TaskEvent(TaskEvent.Kind.ENDED, t.guid(), t.taskType(), t.progress(), t));
      }
    });
    Future<Subscription> progress = transport.listen(Addresses.EVENTS_NOTIFICATIONS, body -> {
      if (body instanceof JsonObject n && "progress".equals(n.getString("type"))) {
        filtered.handle(new TaskEvent(TaskEvent.Kind.PROGRESS, n.getString("source_id"), n.getString("task_id"),
            n.getValue("msg") instanceof Number p ? p.intValue() : n.getJsonObject("job", new JsonObject()).getInteger("progress", 0), null));
      }
    });
    return Future.all(ends, progress).map(v -> () -> Future.all(ends.result().close(), progress.result().close()).mapEmpty());
  }

  private Future<Long> suiteControl(String type, String suiteGuid, String counted) {
    return object(Addresses.DISPATCHER_CONTROL, new JsonObject().put("type", type).put("data", suiteGuid))
        .map(r -> r.getJsonObject("response", new JsonObject()).getLong(counted, 0L));
  }

  private Future<JsonObject> object(String address, Object body) {
    return transport.request(address, body).compose(reply -> reply instanceof JsonObject o ? Future.succeededFuture(o)
        : Future.failedFuture(new TefException(500, null, address + " answered something that is not a JSON object: " + reply)));
  }

  private static Submitted submitted(JsonObject reply) {
    return new Submitted(reply.getBoolean("created", false), TaskView.of(reply.getJsonObject("task")));
  }

  private static List<TaskView> views(JsonArray tasks) {
    List<TaskView> out = new ArrayList<>();
    if (tasks != null) {
      tasks.forEach(t -> out.add(TaskView.of((JsonObject) t)));
    }
    return out;
  }
}
