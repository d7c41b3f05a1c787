package io.tef.worker;

import io.vertx.core.json.JsonObject;

/** One attempt of one task, as its handler sees it. */
public final class Job {

  private final String guid;
  private final String taskType;
  private final int attempt;
  private final Object data;
  private final JsonObject task;
  private volatile boolean abandoned;

  private Job(String guid, String taskType, int attempt, Object data, JsonObject task) {
    this.guid = guid;
    this.taskType = taskType;
    this.attempt = attempt;
    this.data = data;
    this.task = task;
  }

  static Job from(JsonObject message) {
    JsonObject task = message.getJsonObject("task");
    return new Job(task.getString("guid"), task.getString("task_type"), message.getInteger("attempt"),
        task.getValue("task_data"), task);
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
   * True once the dispatcher has taken the task back (it stalled or was cancelled). A long
   * handler may check it and stop early; whatever it returns is no longer recorded.
   */
  public boolean abandoned() {
    return abandoned;
  }

  void abandon() {
    abandoned = true;
  }
}
