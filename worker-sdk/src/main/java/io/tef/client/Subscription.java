package io.tef.client;

import io.vertx.core.Future;

/** Events flowing to a handler until {@link #close()}. */
public interface Subscription {

  Future<Void> close();
}
