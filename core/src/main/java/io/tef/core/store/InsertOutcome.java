package io.tef.core.store;

import io.tef.core.task.Task;

/** The stored task and whether this insert created it (false: the guid existed already). */
public record InsertOutcome(Task task, boolean created) {
}
