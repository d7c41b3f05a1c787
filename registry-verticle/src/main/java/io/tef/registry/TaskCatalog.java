package io.tef.registry;

import io.tef.protocol.Addresses;
import io.tef.protocol.Fields;
import io.tef.core.store.TaskDefinitionStore;
import io.tef.core.task.TaskDefinition;
import io.tef.protocol.ValidationException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The task types the registry admits workers for: the built-ins, those in configuration, those
 * put over REST or the event bus, and (with registry.auto_define) those workers bring along.
 */
final class TaskCatalog {

  private static final Logger LOG = LoggerFactory.getLogger(TaskCatalog.class);
  /** The built-in handlers every TEF worker has; always defined. */
  static final Set<String> BUILT_IN = Set.of("echo", "sleep", "fail", "shell", "task_get_count", "task_get_average");
  /**
   * The Task Engine's own registry (sum and mean of the args): callable over the ZeroMQ door out of
   * the box, and run once, as the Task Engine did (a wrong argument fails the same way every time).
   */
  static final Set<String> RPC_BUILT_IN = Set.of("task_get_count", "task_get_average");

  private final Vertx vertx;
  private final TaskDefinitionStore store;
  private final boolean autoDefine;
  private final Map<String, TaskDefinition> byId = new TreeMap<>();

  TaskCatalog(Vertx vertx, TaskDefinitionStore store, boolean autoDefine) {
    this.vertx = vertx;
    this.store = store;
    this.autoDefine = autoDefine;
  }

  Future<Void> start(List<TaskDefinition> configured) {
    return Future.all(configured.stream().map(store::put).toList())
        .compose(v -> store.all())
        .map(all -> {
          all.forEach(d -> byId.put(d.id(), d));
          LOG.info("{} task types defined (and the built-ins {}); auto_define {}", byId.size(), BUILT_IN, autoDefine);
          return null;
        });
  }

  /**
   * The definitions of these task types, defining the missing ones when auto_define allows;
   * fails naming {@code task_types} when it does not.
   */
  Future<JsonObject> admit(List<String> taskTypes) {
    List<String> missing = taskTypes.stream().filter(t -> !byId.containsKey(t) && !BUILT_IN.contains(t)).toList();
    if (!missing.isEmpty() && !autoDefine) {
      throw new ValidationException("task_types", "no definition for task type" + (missing.size() > 1 ? "s " : " ") + missing
          + "; define it with PUT /api/task-types/{id} or in task_types of the configuration (registry.auto_define is off)");
    }
    List<Future<Boolean>> defined = new ArrayList<>();
    for (String id : missing) {
      TaskDefinition def = TaskDefinition.minimal(id);
      defined.add(store.putIfAbsent(def).onSuccess(created -> {
        byId.putIfAbsent(id, def);
        if (created) {
          LOG.info("Task type {} defined by the worker that brought it (registry.auto_define)", id);
          publish(new JsonObject().put("event", "defined").put("definition", def.toJson()));
        }
      }));
    }
    return Future.all(defined).map(v -> {
      JsonObject defs = new JsonObject();
      for (String t : taskTypes) {
        defs.put(t, definition(t).toJson());
      }
      return defs;
    });
  }

  private TaskDefinition definition(String id) {
    TaskDefinition d = byId.get(id);
    return d != null ? d : builtIn(id);
  }

  private static TaskDefinition builtIn(String id) {
    return RPC_BUILT_IN.contains(id)
        ? new TaskDefinition(id, id, "the Task Engine's " + id, TaskDefinition.DEFAULT_JOB_ATTRIBUTES, Map.of(), null, null, 1, true, null)
        : TaskDefinition.minimal(id);
  }

  /** put, get, delete, list: the REST and event-bus door to task definitions. */
  Future<JsonObject> handle(JsonObject message) {
    String op = Fields.requireString(message, "op");
    return switch (op) {
      case "list" -> {
        JsonArray list = new JsonArray();
        byId.values().stream().sorted(Comparator.comparing(TaskDefinition::id)).forEach(d -> list.add(d.toJson()));
        BUILT_IN.stream().sorted().filter(id -> !byId.containsKey(id)).forEach(id -> list.add(builtIn(id).toJson().put("built_in", true)));
        yield Future.succeededFuture(new JsonObject().put("count", list.size()).put("task_types", list));
      }
      case "get" -> {
        String id = Fields.requireString(message, "id");
        TaskDefinition d = byId.get(id);
        if (d == null && !BUILT_IN.contains(id)) {
          throw new ValidationException(404, "id", "no task type '" + id + "'");
        }
        yield Future.succeededFuture(d != null ? d.toJson() : builtIn(id).toJson().put("built_in", true));
      }
      case "put" -> {
        String id = Fields.requireString(message, "id");
        TaskDefinition def = TaskDefinition.parse(id, io.tef.protocol.Fields.optionalObject(message, "definition"), "");
        boolean created = !byId.containsKey(id);
        yield store.put(def).map(v -> {
          byId.put(id, def);
          publish(new JsonObject().put("event", "defined").put("definition", def.toJson()));
          LOG.info("Task type {} defined: {}", id, def.toJson().encode());
          return def.toJson().put("created", created);
        });
      }
      case "delete" -> {
        String id = Fields.requireString(message, "id");
        if (BUILT_IN.contains(id)) {
          throw new ValidationException(409, "id", id + " is built in: every TEF worker has it, so it cannot be deleted"
              + " (PUT /api/task-types/" + id + " replaces its definition)");
        }
        yield liveWorkers(id).compose(names -> {
          if (!names.isEmpty()) {
            throw new ValidationException(409, "id", names.size() + " live worker" + (names.size() > 1 ? "s run " : " runs ") + id
                + " (" + String.join(", ", names.subList(0, Math.min(5, names.size()))) + (names.size() > 5 ? ", ..." : "")
                + "); stop " + (names.size() > 1 ? "them" : "it") + " before deleting the type");
          }
          return store.delete(id);
        }).map(deleted -> {
          if (!deleted) {
            throw new ValidationException(404, "id", "no task type '" + id + "' (built-ins cannot be deleted)");
          }
          byId.remove(id);
          publish(new JsonObject().put("event", "deleted").put("id", id));
          LOG.info("Task type {} deleted: workers are no longer admitted for it", id);
          return new JsonObject().put("deleted", id);
        });
      }
      default -> throw new ValidationException("op", "unknown task type operation '" + op + "'; one of put, get, delete, list");
    };
  }

  /**
   * The live workers that run a task type, as the collective knows them (it hears every
   * registration in the cluster; this registry only its own). No answer fails the delete:
   * better refused than a type taken from under its workers.
   */
  private Future<List<String>> liveWorkers(String taskType) {
    return vertx.eventBus().<JsonObject>request(Addresses.COLLECTIVE_GET_WORKERS, new JsonObject(), new DeliveryOptions().setSendTimeout(5000))
        .recover(err -> Future.failedFuture(new ValidationException(503, "id",
            "cannot tell whether live workers run " + taskType + ": the collective did not answer (" + err.getMessage() + "); try again")))
        .map(reply -> reply.body().getJsonArray("response", new JsonArray()).stream()
            .map(JsonObject.class::cast)
            .filter(w -> w.getJsonArray("task_types", new JsonArray()).contains(taskType))
            .map(w -> w.getString("name"))
            .sorted()
            .toList());
  }

  /** Another registry changed a definition. */
  void onEvent(JsonObject event) {
    switch (event.getString("event", "")) {
      case "defined" -> {
        TaskDefinition d = TaskDefinition.fromJson(event.getJsonObject("definition"));
        byId.put(d.id(), d);
      }
      case "deleted" -> byId.remove(event.getString("id"));
      default -> { }
    }
  }

  private void publish(JsonObject event) {
    vertx.eventBus().publish(Addresses.EVENTS_TASK_TYPES, event);
  }
}
