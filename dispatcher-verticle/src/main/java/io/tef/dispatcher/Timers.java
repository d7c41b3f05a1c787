package io.tef.dispatcher;

import io.vertx.core.Vertx;

/** One-shot timers: the event loop's in the dispatcher, a hand-driven one in unit tests. */
interface Timers {

  /** Runs the action once after the delay; answers an id to cancel it with. */
  long set(long delayMs, Runnable action);

  void cancel(long id);

  static Timers of(Vertx vertx) {
    return new Timers() {
      @Override
      public long set(long delayMs, Runnable action) {
        return vertx.setTimer(delayMs, id -> action.run());
      }

      @Override
      public void cancel(long id) {
        vertx.cancelTimer(id);
      }
    };
  }
}
