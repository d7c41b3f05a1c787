package io.tef.bench;

import io.tef.protocol.Addresses;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Submits no-op tasks with a fixed number in flight, all from one event-loop context, over the
 * event bus or REST. With a gap, one task at a time with a pause after each answer: the latency
 * of an idle system.
 */
final class Submitter {

  enum Door { EVENTBUS, REST, BOTH, AMQP }

  record Result(Map<String, Long> submittedAt, long endNanos, int failures) {
  }

  private final Vertx vertx;
  private final WebClient http;
  private final Door door;
  private final int inFlight;
  private final Map<String, Long> submittedAt = new HashMap<>();
  private final CompletableFuture<Result> result = new CompletableFuture<>();
  private int next;
  private int outstanding;
  private int failures;
  private int total;

  private final String taskType;
  private final String prefix;
  private final long gapMs;

  Submitter(Vertx vertx, int httpPort, Door door, int inFlight, String taskType) {
    this(vertx, "127.0.0.1", httpPort, door, inFlight, taskType, taskType, 0);
  }

  /** Guids {@code <prefix>-0..}; {@code gapMs} above 0 waits that long after each answer. */
  Submitter(Vertx vertx, String httpHost, int httpPort, Door door, int inFlight, String taskType, String prefix, long gapMs) {
    if (door == Door.AMQP) {
      throw new IllegalArgumentException("AMQP submissions go through AmqpSubmitter");
    }
    this.taskType = taskType;
    this.prefix = prefix;
    this.gapMs = gapMs;
    this.vertx = vertx;
    this.door = door;
    this.inFlight = inFlight;
    this.http = WebClient.create(vertx, new WebClientOptions().setDefaultHost(httpHost).setDefaultPort(httpPort).setKeepAlive(true),
        new PoolOptions().setHttp1MaxSize(inFlight));
  }

  CompletableFuture<Result> submit(int count) {
    total = count;
    Context ctx = vertx.getOrCreateContext();
    ctx.runOnContext(v -> {
      for (int i = 0; i < inFlight && next < total; i++) {
        sendNext();
      }
    });
    return result;
  }

  private void sendNext() {
    int i = next++;
    String guid = prefix + "-" + i;
    JsonObject envelope = new JsonObject().put("type", "task").put("task_type", taskType).put("guid", guid);
    boolean rest = door == Door.REST || (door == Door.BOTH && i % 2 == 1);
    outstanding++;
    submittedAt.put(guid, System.nanoTime());
    Future<?> sent = rest
        ? http.post("/api/tasks").putHeader("content-type", "application/json").sendBuffer(Buffer.buffer(envelope.encode()))
            .map(r -> {
              if (r.statusCode() != 201) {
                throw new IllegalStateException("HTTP " + r.statusCode() + ": " + r.bodyAsString());
              }
              return r;
            })
        : vertx.eventBus().request(Addresses.TASKS_SUBMIT, envelope);
    sent.onComplete(ar -> {
      outstanding--;
      if (ar.failed()) {
        failures++;
        System.err.println("submit " + guid + " failed: " + ar.cause().getMessage());
      }
      if (next < total && gapMs > 0) {
        vertx.setTimer(gapMs, t -> sendNext());
      } else if (next < total) {
        sendNext();
      } else if (outstanding == 0) {
        result.complete(new Result(submittedAt, System.nanoTime(), failures));
      }
    });
  }
}
