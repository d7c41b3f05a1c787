package io.tef.protocol.task;

/** What a task gets when its envelope leaves a field out (resources: those its task type's definition names). */
public record TaskDefaults(int priority, int timeLimitSeconds, int maxAttempts, java.util.List<String> resources) {

  /** TEF's defaults: priority 1, 600 s time limit, 3 attempts. */
  public static final TaskDefaults TEF = new TaskDefaults(1, 600, 3);

  public TaskDefaults {
    resources = java.util.List.copyOf(resources);
  }

  /** No resources. */
  public TaskDefaults(int priority, int timeLimitSeconds, int maxAttempts) {
    this(priority, timeLimitSeconds, maxAttempts, java.util.List.of());
  }
}
