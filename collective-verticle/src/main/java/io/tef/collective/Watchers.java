package io.tef.collective;

import io.tef.protocol.Addresses;
import io.tef.protocol.Fields;
import io.tef.protocol.Replies;
import io.tef.protocol.worker.WorkerRegistration;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashSet;
import java.util.Set;

/**
 * One collective watches each worker: the one the registry handed it to, or the one that claimed
 * it from its status, or the one that last heard it. Heartbeats that reach another collective are
 * forwarded to the watcher's own address, point to point; a watcher that stops answering loses
 * its workers, so a worker that died with its node still goes silent.
 */
final class Watchers {

  private static final Logger LOG = LoggerFactory.getLogger(Watchers.class);
  /** Below the workers' own request timeouts (10 s for the SDK, 15 s for the AMQP door), so the answer still reaches them. */
  private static final long FORWARD_TIMEOUT_MS = 3000;

  private final EventBus bus;
  private final KnownWorkers known;
  private final Liveness liveness;
  private final WorkerEvents events;
  /** collective.ping_interval_ms: a probe waits at least that long. */
  private final long defaultPingMs;
  /** Watchers being probed (are they still there?), one probe at a time each. */
  private final Set<String> probing = new HashSet<>();

  Watchers(EventBus bus, KnownWorkers known, Liveness liveness, WorkerEvents events, long defaultPingMs) {
    this.bus = bus;
    this.known = known;
    this.liveness = liveness;
    this.events = events;
    this.defaultPingMs = defaultPingMs;
  }

  /** The registry hands this collective a worker to watch (before it publishes the registration naming it). */
  void onWatch(Message<Object> m) {
    try {
      WorkerRegistration r = WorkerRegistration.fromJson(Fields.object(Fields.object(m.body()).getValue("worker")));
      liveness.register(r, WorkerEntry.Via.registered(r), null, known.self(), false);
      m.reply(new JsonObject().put("watched_by", known.self()));
    } catch (RuntimeException e) {
      Replies.fail(m, e);
    }
  }

  /** Another collective asks whether this one is still there. */
  void answerProbe(Message<Object> m) {
    m.reply(new JsonObject().put("collective", known.self()));
  }

  /**
   * A heartbeat of a worker another collective watches goes there; if that one is gone, this one
   * watches it and handles the heartbeat itself ({@code here}).
   */
  void forward(Message<Object> m, JsonObject body, WorkerEntry w, Runnable here) {
    String watcher = w.watcher;
    bus.<JsonObject>request(Addresses.collective(watcher), new JsonObject().put("forwarded", body),
            new DeliveryOptions().setSendTimeout(FORWARD_TIMEOUT_MS))
        .onSuccess(reply -> m.reply(reply.body()))
        .onFailure(err -> {
          if (err instanceof ReplyException re && re.failureType() == ReplyFailure.RECIPIENT_FAILURE) {
            m.fail(re.failureCode(), re.getMessage());
            return;
          }
          WorkerEntry now = known.get(w.name);
          if (now != null && watcher.equals(now.watcher)) {
            LOG.info("Collective {} that watched worker {} does not answer ({}): this one watches it", watcher, w.name, err.getMessage());
            now.watcher = null;
          }
          here.run();
        });
  }

  /** It heard the heartbeat, so it watches the worker; the others forward theirs here from now on. */
  void watchHere(WorkerEntry w) {
    if (!known.self().equals(w.watcher)) {
      w.watcher = known.self();
      events.watched(w);
    }
  }

  /**
   * Periodic: a collective that watches a worker asks the others: is it still there? One that
   * does not answer (its node died) leaves its workers to every collective, each giving them a
   * fresh 2 x ping; the first to hear a heartbeat watches it again, a worker that sends none goes
   * silent.
   */
  void probe() {
    Set<String> watchers = new HashSet<>();
    for (WorkerEntry w : known.all()) {
      if (w.alive() && !known.watchesHere(w)) {
        watchers.add(w.watcher);
      }
    }
    for (String watcher : watchers) {
      if (!probing.add(watcher)) {
        continue;
      }
      bus.request(Addresses.collective(watcher), new JsonObject().put("probe", true),
              new DeliveryOptions().setSendTimeout(Math.max(defaultPingMs, FORWARD_TIMEOUT_MS)))
          .onComplete(done -> {
            probing.remove(watcher);
            if (done.failed() && !(done.cause() instanceof ReplyException re && re.failureType() == ReplyFailure.RECIPIENT_FAILURE)) {
              LOG.info("Collective {} does not answer ({}): its workers are watched by every collective", watcher, done.cause().getMessage());
              for (WorkerEntry w : known.all()) {
                if (w.alive() && watcher.equals(w.watcher)) {
                  w.watcher = null;
                  w.seen();
                }
              }
            }
          });
    }
  }
}
