package io.tef.worker;

import io.vertx.core.json.JsonObject;

/** One attempt of one task, as its handler sees it. */
public final class Job {

  private final String guid;
  private final String taskType;
  private final int attempt;
  private final Object data;
  private final JsonObject task;
  private final String reportAddress;
  /** The attempt's secret, sent back with every report; never shown to the handler. */
  private final String token;
  private volatile boolean abandoned;
  private java.util.function.Consumer<io.tef.protocol.worker.TaskReport> reporter = r -> { };

  private Job(String guid, String taskType, int attempt, Object data, JsonObject task, String reportAddress, String token) {
    this.reportAddress = reportAddress;
    this.token = token;
    this.guid = guid;
    this.taskType = taskType;
    this.attempt = attempt;
    this.data = data;
    this.task = task;
  }

  static Job from(io.tef.protocol.Assignment.Task a) {
    return new Job(a.guid(), a.taskType(), a.attempt(), a.task().getValue("task_data"), a.task(), a.reportTo(), a.token());
  }

  String token() {
    return token;
  }

  /** Where reports on this job go: the dispatcher that gave it, else the shared address. */
  String reportAddress() {
    return reportAddress;
  }

  public String guid() {
    return guid;
  }

  public String taskType() {
    return taskType;
  }

  /** The attempt number this worker was given; every report names it. */
  public int attempt() {
    return attempt;
  }

  /** The task_data, as submitted. */
  public Object data() {
    return data;
  }

  /** The whole task view (priority, suite_guid, ...). */
  public JsonObject task() {
    return task;
  }

  /**
   * True once the dispatcher has taken the task back (it stalled or was cancelled), or the worker
   * handed it back when it stopped. A long handler may check it and stop early; whatever it
   * returns is no longer recorded.
   */
  public boolean abandoned() {
    return abandoned;
  }

  void abandon() {
    abandoned = true;
  }

  /** Connects the job to the slot that runs it: reports go out under the slot's name. */
  void bind(String workerName, TefWorker worker, java.util.function.Consumer<io.tef.protocol.worker.TaskReport> reporter,
            java.util.function.Consumer<String> failer) {
    this.workerName = workerName;
    this.worker = worker;
    this.reporter = reporter;
    this.failer = failer;
  }

  /** Marks the outcome as reported; false if it already was (a job ends once). */
  boolean end() {
    if (ended) {
      return false;
    }
    ended = true;
    return true;
  }

  private String workerName;
  private TefWorker worker;
  private java.util.function.Consumer<String> failer = reason -> { };
  private boolean ended;

  /**
   * Ends this job as failed now, with this reason (blank or null: {@value #NO_REASON}), and
   * returns a failed future with that reason, so a handler may {@code return job.fail("bad input")}.
   * Whatever the handler's own future does afterwards is not reported.
   */
  public <T> io.vertx.core.Future<T> fail(String reason) {
    String r = reason == null || reason.isBlank() ? NO_REASON : reason;
    failer.accept(r);
    return io.vertx.core.Future.failedFuture(r);
  }

  /** The reason reported for a failure that gives none. */
  public static final String NO_REASON = "no reason given";

  /** Schedules a sub-task through this job's worker; see {@link TefWorker#scheduleTask}. */
  public io.vertx.core.Future<JsonObject> scheduleTask(String when, String taskType, Object data) {
    return worker.scheduleTask(when, taskType, data);
  }

  /** Reports progress, 0 to 100 (clamped); shown as the task's {@code progress}. */
  public void progress(int percent) {
    reporter.accept(io.tef.protocol.worker.TaskReport.progress(guid, attempt, workerName, token, Math.max(0, Math.min(100, percent))));
  }

  /** A log line stored with the task (the newest 100 are kept). */
  public void info(String message) {
    log("info", message);
  }

  public void warn(String message) {
    log("warn", message);
  }

  public void error(String message) {
    log("error", message);
  }

  private void log(String level, String message) {
    reporter.accept(io.tef.protocol.worker.TaskReport.log(guid, attempt, workerName, token, level, message == null ? "null" : message));
  }
}
