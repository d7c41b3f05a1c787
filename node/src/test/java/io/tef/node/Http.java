package io.tef.node;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;

/** A blocking HTTP client for tests, speaking to one node's gateway. */
final class Http implements AutoCloseable {

  private final WebClient client;
  /** Sent as x-api-key on every path but wokmanager's /worker door, whose tests give keys their own way. */
  private final String apiKey;

  Http(Vertx vertx, int port) {
    this(vertx, port, null);
  }

  Http(Vertx vertx, int port, String apiKey) {
    client = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port));
    this.apiKey = apiKey;
  }

  private HttpRequest<Buffer> request(io.vertx.core.http.HttpMethod method, String path) {
    HttpRequest<Buffer> r = client.request(method, path);
    if (apiKey != null && !path.startsWith("/worker")) {
      r.putHeader("x-api-key", apiKey);
    }
    return r;
  }

  HttpResponse<Buffer> post(String path, String body) throws Exception {
    return TestNodes.await(request(io.vertx.core.http.HttpMethod.POST, path).putHeader("content-type", "application/json").sendBuffer(Buffer.buffer(body)));
  }

  HttpResponse<Buffer> post(String path, JsonObject body) throws Exception {
    return post(path, body.encode());
  }

  HttpResponse<Buffer> put(String path, JsonObject body) throws Exception {
    return put(path, body.encode());
  }

  HttpResponse<Buffer> put(String path, String body) throws Exception {
    return TestNodes.await(request(io.vertx.core.http.HttpMethod.PUT, path).putHeader("content-type", "application/json").sendBuffer(Buffer.buffer(body)));
  }

  HttpResponse<Buffer> patch(String path, JsonObject body) throws Exception {
    return send(io.vertx.core.http.HttpMethod.PATCH, path, body.encode());
  }

  /** A GET that does not follow a redirect, to see it. */
  HttpResponse<Buffer> getUnfollowed(String path) throws Exception {
    return TestNodes.await(request(io.vertx.core.http.HttpMethod.GET, path).followRedirects(false).send());
  }

  HttpResponse<Buffer> delete(String path) throws Exception {
    return TestNodes.await(request(io.vertx.core.http.HttpMethod.DELETE, path).send());
  }

  HttpResponse<Buffer> get(String path) throws Exception {
    return TestNodes.await(request(io.vertx.core.http.HttpMethod.GET, path).send());
  }

  HttpResponse<Buffer> get(String path, String header, String value) throws Exception {
    return TestNodes.await(request(io.vertx.core.http.HttpMethod.GET, path).putHeader(header, value).send());
  }

  /** Any method, custom ones (FOO) too, with an optional header. */
  HttpResponse<Buffer> send(io.vertx.core.http.HttpMethod method, String path, String header, String value) throws Exception {
    var request = request(method, path);
    if (header != null) {
      request.putHeader(header, value);
    }
    return TestNodes.await(request.send());
  }

  HttpResponse<Buffer> send(io.vertx.core.http.HttpMethod method, String path, String json) throws Exception {
    return TestNodes.await(request(method, path).putHeader("content-type", "application/json").sendBuffer(Buffer.buffer(json)));
  }

  HttpResponse<Buffer> put(String path, Buffer body) throws Exception {
    return TestNodes.await(request(io.vertx.core.http.HttpMethod.PUT, path).putHeader("content-type", "application/json").sendBuffer(body));
  }

  /** A GET with a JSON body, as wokmanager.py sends it. */
  HttpResponse<Buffer> getWithBody(String path, String body) throws Exception {
    return TestNodes.await(request(io.vertx.core.http.HttpMethod.GET, path).putHeader("content-type", "application/json").sendBuffer(Buffer.buffer(body)));
  }

  /**
   * Polls {@code GET /api/tasks/{guid}} until the condition holds (60 s at most): the node is
   * often another process, so there is no event to await.
   */
  JsonObject awaitTask(String guid, java.util.function.Predicate<JsonObject> condition) throws Exception {
    return Polling.until("task " + guid + " reaches the expected state", java.time.Duration.ofSeconds(60), () -> {
      HttpResponse<Buffer> r = get("/api/tasks/" + guid);
      return r.statusCode() == 200 ? r.bodyAsJsonObject() : null;
    }, condition);
  }

  JsonObject awaitState(String guid, String state) throws Exception {
    return awaitTask(guid, t -> state.equals(t.getString("state")));
  }

  @Override
  public void close() {
    client.close();
  }
}
