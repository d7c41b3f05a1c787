package io.tef.worker;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

/**
 * A task type packaged in a jar for {@code tef worker --paths DIR}: listed in
 * {@code META-INF/services/io.tef.worker.TaskHandlerFactory}, with a {@code <task_type>.json}
 * metadata file beside the jar (Qworker's task definition: name, description, job attributes,
 * defaults).
 */
public interface TaskHandlerFactory {

  /** The task type this factory's handler runs. */
  String taskType();

  /** The handler; {@code metadata} is the task's {@code <task_type>.json}. */
  TaskHandler create(Vertx vertx, JsonObject metadata);
}
