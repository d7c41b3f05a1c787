package io.tef.node.cli;

import io.tef.core.config.TefConfig;
import io.tef.node.TefNode;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;

import java.util.concurrent.TimeUnit;

/** {@code --ready-timeout}: asks the node's own {@code /health/ready} until it answers UP or the time is up. */
final class ReadyWait {

  private static final long EVERY_MS = 250;

  private ReadyWait() {
  }

  /** Null once ready; else why not, as the last answer said ("amqp: the AMQP bridge is not connected..."). */
  static String within(TefNode node, TefConfig config, int seconds) throws InterruptedException {
    if (node.httpPort() <= 0) {
      return "this node runs no gateway, so it has no /health/ready to wait for (--ready-timeout needs the gateway role)";
    }
    boolean tls = config.http().tls().enabled();
    // Its own port on loopback: the certificate (often self-signed) is not what is being checked.
    HttpClient client = node.vertx().createHttpClient(new HttpClientOptions().setSsl(tls).setTrustAll(tls).setVerifyHost(false));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    String why = "no answer yet";
    try {
      while (System.nanoTime() < deadline) {
        try {
          JsonObject answer = client.request(HttpMethod.GET, node.httpPort(), "127.0.0.1", "/health/ready")
              .compose(req -> req.send().compose(resp -> resp.body()))
              .map(b -> b.toJsonObject())
              .toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
          if ("UP".equals(answer.getString("status"))) {
            return null;
          }
          why = failing(answer);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
          why = "/health/ready did not answer: " + e.getMessage();
        }
        Thread.sleep(EVERY_MS);
      }
      return why;
    } finally {
      client.close();
    }
  }

  private static String failing(JsonObject answer) {
    StringBuilder out = new StringBuilder();
    for (Object o : answer.getJsonArray("checks", new io.vertx.core.json.JsonArray())) {
      JsonObject c = (JsonObject) o;
      if (!"UP".equals(c.getString("status"))) {
        JsonObject data = c.getJsonObject("data", new JsonObject());
        out.append(out.length() == 0 ? "" : "; ").append(c.getString("id")).append(": ").append(data.getString("reason", c.getString("status")));
      }
    }
    return out.length() == 0 ? answer.encode() : out.toString();
  }
}
