package io.tef.node;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** Reads {@code GET /api/events} as a browser's EventSource would: one event per blank-line-ended frame. */
final class EventStreamReader implements AutoCloseable {

  record Event(String name, JsonObject data) {
  }

  private final HttpClient client;
  private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
  private final StringBuilder pending = new StringBuilder();
  final HttpClientResponse response;

  EventStreamReader(Vertx vertx, int port, String apiKey) throws Exception {
    client = vertx.createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port));
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setURI("/api/events").putHeader("accept", "text/event-stream");
    if (apiKey != null) {
      options.putHeader("x-api-key", apiKey);
    }
    response = TestNodes.await(client.request(options).compose(r -> r.send()).onSuccess(r -> r.handler(buf -> take(buf.toString()))));
  }

  private synchronized void take(String text) {
    pending.append(text);
    int end;
    while ((end = pending.indexOf("\n\n")) >= 0) {
      String frame = pending.substring(0, end);
      pending.delete(0, end + 2);
      String name = "message";
      StringBuilder data = new StringBuilder();
      for (String line : frame.split("\n")) {
        if (line.startsWith("event: ")) {
          name = line.substring(7);
        } else if (line.startsWith("data: ")) {
          data.append(line.substring(6));
        }
      }
      events.add(new Event(name, new JsonObject(data.toString())));
    }
  }

  /** The next event, within 30 s. */
  Event next() throws InterruptedException {
    Event e = events.poll(30, TimeUnit.SECONDS);
    if (e == null) {
      throw new AssertionError("no event in 30 s");
    }
    return e;
  }

  /** The first event from now on that matches, within 30 s. */
  Event until(String what, Predicate<Event> match) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < end) {
      Event e = events.poll(end - System.nanoTime(), TimeUnit.NANOSECONDS);
      if (e != null && match.test(e)) {
        return e;
      }
    }
    throw new AssertionError("no event in 30 s where " + what);
  }

  @Override
  public void close() {
    client.close();
  }
}
