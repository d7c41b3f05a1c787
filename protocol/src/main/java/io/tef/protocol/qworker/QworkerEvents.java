package io.tef.protocol.qworker;

/**
 * The events of Qworker's protocol on its mubsub channel: each message is a document
 * {@code {event, message}}. Workers are addressed by process id ({@code <pid>/start}), not by
 * worker id, as Qworker does.
 */
public final class QworkerEvents {

  /** Worker to manager: {@code {id, pid, taskIds, startedAt, standalone?}}, asking to be started. */
  public static final String INITIALIZE = "worker:initialize";
  /** Worker to manager, every ping interval: {@code {id, pid, taskIds, startedAt, pingedAt}}. */
  public static final String PING = "worker:ping";
  public static final String CONNECTED = "worker:connected";
  public static final String DISCONNECTED = "worker:disconnected";
  public static final String START = "worker:start";
  public static final String STOP = "worker:stop";
  public static final String TERMINATE = "worker:terminate";
  /** {@code {workerId, sourceType: Worker|Task|Job, sourceId, type, triggeredAt, msg?, taskId?, job?, progress?, error?}}. */
  public static final String NOTIFICATION = "worker:notification";
  /** The worker's task metadata (an array): what it can run and from which files. */
  public static final String DEFINE_TASKS = "define:tasks";
  /** {@code {when, name, options}}: the worker asks the manager for a sub-task. */
  public static final String SCHEDULE_TASK = "schedule:task";

  /** Manager to workers: run (the manager is up and dispatching) or pause. */
  public static final String MANAGER_START = "manager:start";
  public static final String MANAGER_STOP = "manager:stop";
  /** Manager to workers: the job (by {@code id}) is cancelled or taken back. */
  public static final String JOB_CANCEL = "job:cancel";

  /** Manager to one worker: {@code {db, collection, tasks, pingInterval, processEvery}}. */
  public static String start(long pid) {
    return pid + "/start";
  }

  /** Manager to one worker: {@code {reason}}; it stops and exits. */
  public static String terminate(long pid) {
    return pid + "/terminate";
  }

  private QworkerEvents() {
  }
}
