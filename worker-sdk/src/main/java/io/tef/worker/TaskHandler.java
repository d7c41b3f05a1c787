package io.tef.worker;

import io.vertx.core.Future;

/**
 * Runs one task type. The future's value becomes the task's result (any JSON value); a failed
 * future fails the attempt with the failure's message as the reason. Runs on the worker's event
 * loop: blocking work belongs in {@code vertx.executeBlocking}.
 */
@FunctionalInterface
public interface TaskHandler {

  Future<Object> handle(Job job);
}
