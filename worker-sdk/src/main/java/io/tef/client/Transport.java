package io.tef.client;

import io.vertx.core.Future;
import io.vertx.core.Handler;

/** How a {@link TefClient} reaches TEF: the clustered event bus, or the TCP bridge. */
interface Transport {

  /** A request to an address; the reply's body, or a {@link TefException}. */
  Future<Object> request(String address, Object body);

  /** Messages published or sent to an address, until the returned handle is closed. */
  Future<Subscription> listen(String address, Handler<Object> handler);

  Future<Void> close();
}
