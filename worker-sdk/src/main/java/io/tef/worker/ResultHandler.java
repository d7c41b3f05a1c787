package io.tef.worker;

import io.vertx.core.Future;

/** What a keeper does with a finished task; the result counts as handled once the future succeeds. */
@FunctionalInterface
public interface ResultHandler {
  Future<Void> handle(FinishedTask task);
}
