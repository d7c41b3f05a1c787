package io.tef.gateway.live;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.util.function.Consumer;

/**
 * {@code GET /api/events}: server-sent events for the dashboard. First {@code event: history}
 * (the last hour, one row a second), then {@code event: tick} each second. A reader too slow to
 * take a tick misses it (the next one says as much); nothing queues up for it.
 */
public final class EventStream implements Handler<RoutingContext> {

  private final Activity activity;

  public EventStream(Activity activity) {
    this.activity = activity;
  }

  @Override
  public void handle(RoutingContext ctx) {
    HttpServerResponse response = ctx.response();
    response.setChunked(true)
        .putHeader("content-type", "text/event-stream; charset=utf-8")
        .putHeader("cache-control", "no-store")
        .putHeader("x-accel-buffering", "no");
    Consumer<JsonObject> listener = tick -> {
      if (!response.writeQueueFull()) {
        response.write(frame("tick", tick));
      }
    };
    JsonObject history = activity.subscribe(listener);
    response.write(frame("history", history));
    response.closeHandler(v -> activity.unsubscribe(listener));
    response.exceptionHandler(err -> activity.unsubscribe(listener));
  }

  static String frame(String event, JsonObject data) {
    return "event: " + event + "\ndata: " + data.encode() + "\n\n";
  }
}
