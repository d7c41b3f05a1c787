package io.tef.core.store;

import io.tef.core.task.TaskDefinition;
import io.vertx.core.Future;

import java.util.List;

/** Task definitions ({@code task_types}), one per task type, owned by the registry; read whole, written by {@code _id}. */
public interface TaskDefinitionStore {

  Future<List<TaskDefinition>> all();

  Future<Void> put(TaskDefinition def);

  /** Writes the definition only if none exists: a definition made by hand is never overwritten by an automatic one. */
  Future<Boolean> putIfAbsent(TaskDefinition def);

  /** True when there was a definition to delete. */
  Future<Boolean> delete(String id);
}
