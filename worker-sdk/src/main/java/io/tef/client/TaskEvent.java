package io.tef.client;

/**
 * Something that happened to a task: it ended ({@code task} holds the final view: completed,
 * failed, cancelled, or one run of a repeating task), or its worker reported progress.
 */
public record TaskEvent(Kind kind, String guid, String taskType, int progress, TaskView task) {

  public enum Kind { ENDED, PROGRESS }
}
