package io.tef.qworker;

import io.tef.core.mubsub.MubsubChannel;
import io.tef.protocol.Addresses;
import io.tef.protocol.DispatcherControl;
import io.tef.protocol.json.IsoInstants;
import io.tef.protocol.qworker.QworkerEvents;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;

/**
 * {@code manager:start} and {@code manager:stop} following the dispatcher's state: workers run
 * their Agenda while TEF dispatches (running) and pause while it is paused, stopped or away
 * (Qworker's workers stay paused while their manager is offline). The state is read every
 * second; only a change is published, and once more whenever a worker is started.
 */
final class ManagerState {

  private static final Logger LOG = LoggerFactory.getLogger(ManagerState.class);
  static final long POLL_MS = 1000;

  private final Vertx vertx;
  private final MubsubChannel channel;
  private long timer = -1;
  /** What the workers were last told: true run, false pause, null nothing yet. */
  private Boolean told;
  private String state = "unknown";

  ManagerState(Vertx vertx, MubsubChannel channel) {
    this.vertx = vertx;
    this.channel = channel;
  }

  void start() {
    poll();
    timer = vertx.setPeriodic(POLL_MS, id -> poll());
  }

  /** True while the dispatcher is running (what a newly started worker must be told). */
  boolean running() {
    return Boolean.TRUE.equals(told);
  }

  String state() {
    return state;
  }

  /** Tells the workers again what holds now (a worker just started may have missed it). */
  Future<Void> repeat() {
    return told == null ? Future.succeededFuture() : publish(told);
  }

  private void poll() {
    vertx.eventBus().<JsonObject>request(Addresses.DISPATCHER_CONTROL, DispatcherControl.GET_STATE.message(null),
            new DeliveryOptions().setSendTimeout(POLL_MS * 3))
        .map(reply -> reply.body().getString("response", "unknown"))
        .otherwise(err -> "away")
        .onSuccess(now -> {
          state = now;
          boolean run = "running".equals(now);
          if (told == null || told != run) {
            told = run;
            LOG.info("Qworker workers told {}: the dispatcher is {}", run ? QworkerEvents.MANAGER_START : QworkerEvents.MANAGER_STOP, now);
            publish(run);
          }
        });
  }

  private Future<Void> publish(boolean run) {
    return channel.publish(run ? QworkerEvents.MANAGER_START : QworkerEvents.MANAGER_STOP,
            new JsonObject().put("state", state).put("at", IsoInstants.format(Instant.now())))
        .onFailure(err -> LOG.warn("Could not tell the Qworker workers the dispatcher is {}: {}", state, err.getMessage()));
  }

  /** The manager goes away: workers pause until it is back (their jobs stay in their collections). */
  Future<Void> stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    state = "away";
    return publish(false).otherwiseEmpty();
  }
}
