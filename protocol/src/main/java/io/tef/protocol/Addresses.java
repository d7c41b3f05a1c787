package io.tef.protocol;

/**
 * Every event-bus address TEF uses. Modules talk only through these; none reaches into
 * another module's classes.
 */
public final class Addresses {

  /** Submit a TEF envelope; the reply is {@code {"created": bool, "task": {...}}} once stored. */
  public static final String TASKS_SUBMIT = "tef.tasks.submit";
  /** Workers report on the task they were given: working, completed, failed (fenced by attempt). */
  public static final String TASKS_REPORT = "tef.tasks.report";
  /** Cancel a task by guid: {@code {"guid": ...}}; the reply is the cancelled task. */
  public static final String TASKS_CANCEL = "tef.tasks.cancel";
  /** {@code {"guid"}}: a failed or cancelled task queued again now, under a new attempt; answers {@code {"task"}}. */
  public static final String TASKS_RETRY = "tef.tasks.retry";
  /** A {@link io.tef.protocol.task.PriorityChange}: a task's priority changed while it waits (queued or paused); answers {@code {"task"}}. */
  public static final String TASKS_PRIORITY = "tef.tasks.priority";
  /**
   * Reads of stored tasks for the doors (get one, list, a suite's counts, a store ping): a
   * {@link io.tef.protocol.task.TasksQuery}, served by the dispatchers, which own the tasks.
   */
  public static final String TASKS_QUERY = "tef.tasks.query";
  /**
   * Dispatcher control messages, TEF's shape: {@code {"type": "set_state", "data": "paused"}}
   * answered {@code {"response": "paused"}}; {@code {"type": "get_state"}}.
   */
  public static final String DISPATCHER_CONTROL = "tef.dispatcher.control";
  /** Collective to dispatcher: a worker came up or went away. */
  public static final String DISPATCHER_WORKERS = "tef.dispatcher.workers";
  /** Worker status messages and heartbeats (TEF's worker_status). */
  public static final String COLLECTIVE_STATUS = "tef.collective.status";
  /**
   * Ask the collective for the live workers (TEF's get_workers):
   * {@code {"response": [{"name", "instance", "work_queue", "status", "task", "attempt", "task_types", "alive", ...}]}}.
   */
  public static final String COLLECTIVE_GET_WORKERS = "tef.collective.get_workers";
  /** TEF's remove_worker: {@code {"name"}}; the worker's task goes back to the queue at once. */
  public static final String COLLECTIVE_REMOVE_WORKER = "tef.collective.remove_worker";
  /**
   * TEF's collective control messages on one address, routed by {@code type}: worker_status,
   * remove_worker, get_workers (what the AMQP door forwards).
   */
  public static final String COLLECTIVE_CONTROL = "tef.collective.control";
  /**
   * Worker records: {@code {"name"}} answers one record with its messages and errors;
   * {@code {"id", "group", "task_type", "status"}} (wildcards {@code *}) answers {@code {"count", "workers"}}.
   */
  public static final String COLLECTIVE_WORKERS = "tef.collective.workers";
  /**
   * wokmanager's worker events: {@code {"id", "group", "event": started|stopped|message|error, "at", "content"}}
   * answered {@code {"registered": event, "at"}} once written; 404 for a worker not registered.
   */
  public static final String COLLECTIVE_WORKER_STATE = "tef.collective.worker_state";
  /**
   * Task definitions: {@code {"op": "put", "id", "definition": {...}}}, {@code "get"}, {@code "delete"},
   * {@code "list"}; answered with the definition(s). Served by the registry.
   */
  public static final String TASK_TYPES = "tef.registry.task_types";
  /** Published when a task definition is added, changed or deleted: {@code {"event": "defined"|"deleted", ...}}. */
  public static final String EVENTS_TASK_TYPES = "tef.events.task_types";
  /** Registration handshake (Qworker's worker:initialize). */
  public static final String REGISTRY_REGISTER = "tef.registry.register";
  /**
   * The collective claims a name for a worker that announced itself by its worker_status:
   * {@code {"worker": registration, "watched_by", "work_queue"?}}, answered {@code {"claimed": true}}
   * or 409 when another live instance holds the name (the registry holds every name, whatever door).
   */
  public static final String REGISTRY_CLAIM = "tef.registry.claim";
  /**
   * The registry hands a worker it admitted to one collective, which watches its heartbeats:
   * {@code {"worker": registration}} answered {@code {"watched_by": collective id}}.
   */
  public static final String COLLECTIVE_WATCH = "tef.collective.watch";
  /**
   * Keepers catching up: a {@link io.tef.protocol.worker.ResultsQuery} answered with
   * {@code {"results": [task views]}}, terminal tasks of the types, oldest first.
   */
  public static final String KEEPERS_RESULTS = "tef.keepers.results";
  /**
   * Keeper checkpoints: {@code {"action": "load", "keeper"}} answered {@code {"checkpoint": {...} | null}};
   * {@code {"action": "save", "keeper", "task_types", "finished_at", "guid"}} answered {@code {"checkpoint": {...}}}.
   */
  public static final String KEEPERS_CHECKPOINT = "tef.keepers.checkpoint";
  /** Every task that reaches a terminal state is published here. */
  public static final String EVENTS_TASKS = "tef.events.tasks";

  /**
   * A header on {@link #TASKS_SUBMIT} naming the door a submission came through (rest, amqp, zmq,
   * tcp_bridge, sockjs); none: a client on the event bus. Only the metrics read it.
   */
  public static final String DOOR_HEADER = "tef-door";
  /**
   * Qworker's worker:notification, published by workers: {@code {"worker_id", "source_type": "job",
   * "source_id": guid, "type": start|progress|success|fail|log:info|log:warn|log:error,
   * "triggered_at", "task_id": task type, "attempt", "job": {the definition's job attributes}, "msg"?}}.
   */
  public static final String EVENTS_NOTIFICATIONS = "tef.events.notifications";
  /**
   * Worker life-cycle events, changes only (never a plain heartbeat): registered (by the registry,
   * naming the collective that watches it), watched (another collective took the watch over),
   * status (what it does changed), offline.
   */
  public static final String EVENTS_WORKERS = "tef.events.workers";
  /**
   * Resource definitions: {@code {"op": "put", "name", "definition": {...}}}, {@code "get"},
   * {@code "delete"}, {@code "list"}; answered with the resource(s) and their holders.
   */
  public static final String RESOURCES = "tef.resources";
  /** A dispatcher that starts says so here, so the others count it at once (not at their next lease check). */
  public static final String EVENTS_DISPATCHERS = "tef.events.dispatchers";
  /** Dispatchers tell each other of freed slots and changed definitions here. */
  public static final String EVENTS_RESOURCES = "tef.events.resources";

  /**
   * tasker: {@code {"type", "identifier", "payload", "endpoints"}} publishes a task to its type's
   * endpoints; answered with the task ({@code status} SENT, or DONE / INCOMPLETE after waiting
   * for the listed endpoints). Served by the AMQP bridge.
   */
  public static final String TASKER_SUBMIT = "tef.tasker.submit";
  /**
   * tasker endpoints' responses, the same shape as on the AMQP responses queue:
   * {@code {"task_id", "endpoint", "status": "CREATED"|"FINISHED", "payload", "errnr", "errmsg"}}.
   */
  public static final String TASKER_RESPONSES = "tef.tasker.responses";
  /**
   * A tasker task as REST shows it: {@code {"type", "id"}} (the task's id or the customer's
   * identifier) answered {@code {"task", "taskResponseList"}}; 404 when there is none. Served by
   * the AMQP bridge, the owner of tasker's records.
   */
  public static final String TASKER_QUERY = "tef.tasker.query";
  /** Published once a tasker response is stored: {@code {"task_id", "endpoint", "status"}}. */
  public static final String EVENTS_TASKER = "tef.events.tasker";

  private static final String WORKER_PREFIX = "tef.worker.";
  private static final String TASKER_PREFIX = "tef.tasker.type.";
  private static final String DISPATCHER_PREFIX = "tef.dispatcher.instance.";
  private static final String COLLECTIVE_PREFIX = "tef.collective.instance.";

  /**
   * One dispatcher instance's own address: reports, cancels and control messages for the tasks
   * it answers for. Dispatches carry it as {@code report_to}; the shared addresses forward there.
   */
  public static String dispatcher(String instance) {
    return DISPATCHER_PREFIX + instance;
  }

  /**
   * One collective's own address: the heartbeats of the workers it watches, forwarded by the
   * collective that received them, and probes that it is still there.
   */
  public static String collective(String id) {
    return COLLECTIVE_PREFIX + id;
  }

  /** The address a worker receives its tasks on. */
  public static String worker(String name) {
    return WORKER_PREFIX + name;
  }

  /** Where tasker tasks of a type are published on the event bus (beside the fanout exchange). */
  public static String tasker(String taskType) {
    return TASKER_PREFIX + taskType;
  }

  private Addresses() {
  }
}
