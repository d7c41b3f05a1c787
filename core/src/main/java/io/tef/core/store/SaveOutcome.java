package io.tef.core.store;

import io.tef.core.task.Task;

/**
 * What a fenced {@link TaskStore#save} did: written, or refused because the stored task is
 * ahead of the written one; {@code stored} is then the task as the store holds it (null when
 * there is no task with that guid).
 */
public record SaveOutcome(boolean written, Task stored) {

  public static final SaveOutcome WRITTEN = new SaveOutcome(true, null);

  public static SaveOutcome refused(Task stored) {
    return new SaveOutcome(false, stored);
  }
}
