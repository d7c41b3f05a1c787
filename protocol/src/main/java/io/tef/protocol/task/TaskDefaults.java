package io.tef.protocol.task;

/** What a task gets when its envelope leaves a field out. */
public record TaskDefaults(int priority, int timeLimitSeconds, int maxAttempts) {

  /** TEF's defaults: priority 1, 600 s time limit, 3 attempts. */
  public static final TaskDefaults TEF = new TaskDefaults(1, 600, 3);
}
