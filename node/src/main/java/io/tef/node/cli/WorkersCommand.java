package io.tef.node.cli;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Callable;

/** {@code tef workers}: wokmanager.py, listing the running workers of a node whose id matches. */
@Command(name = "workers", mixinStandardHelpOptions = true,
    description = {"Lists the running workers whose id matches, as wokmanager.py did.",
        "Without --api-key it asks GET /api/workers (with --key or $TEF_API_KEY when the node wants keys);"
            + " with one, the worker door GET /worker/state."},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:listed", "1:the node could not be reached or refused the request", "2:bad option"})
final class WorkersCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Option(names = {"-i", "--id"}, paramLabel = "ID", defaultValue = "*",
      description = "The worker id; * is a wildcard (product.* matches product.importer). Default: * (all).")
  String id;

  @Option(names = "--url", paramLabel = "URL", defaultValue = "http://localhost:8080",
      description = "The node's HTTP gateway (default ${DEFAULT-VALUE}).")
  String url;

  @Option(names = "--api-key", paramLabel = "KEY", description = "A key of auth.api_keys: ask through the worker door with it.")
  String apiKey;

  @Option(names = "--key", paramLabel = "KEY", defaultValue = "${env:TEF_API_KEY}",
      description = "A key with the read role, sent as x-api-key to GET /api/workers when the node requires keys (default: $TEF_API_KEY).")
  String readKey;

  @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "10", description = "How long to wait for the node (default ${DEFAULT-VALUE}).")
  int timeoutSeconds;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    URI base;
    try {
      base = URI.create(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
      if (!"http".equals(base.getScheme()) && !"https".equals(base.getScheme()) || base.getHost() == null) {
        throw new IllegalArgumentException("not an http(s) URL");
      }
    } catch (IllegalArgumentException e) {
      err.println("tef: --url must be like http://localhost:8080, got '" + url + "'");
      return 2;
    }
    String q = URLEncoder.encode(id, StandardCharsets.UTF_8);
    URI target = URI.create(base + (apiKey == null ? "/api/workers?id=" + q
        : "/worker/state?id=" + q + "&api-key=" + URLEncoder.encode(apiKey, StandardCharsets.UTF_8)));
    HttpResponse<String> response;
    try {
      HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(timeoutSeconds)).build();
      HttpRequest.Builder request = HttpRequest.newBuilder(target).timeout(Duration.ofSeconds(timeoutSeconds)).GET();
      if (apiKey == null && readKey != null && !readKey.isEmpty()) {
        request.header("x-api-key", readKey);
      }
      response = client.send(request.build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      err.println("tef: cannot reach the node at " + base + ": " + (e.getMessage() != null ? e.getMessage()
          : e instanceof java.net.ConnectException ? "connection refused" : e.getClass().getSimpleName())
          + " (is it running? --url names another)");
      return 1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 1;
    }
    JsonArray workers;
    try {
      Object body = Json.decodeValue(response.body());
      if (response.statusCode() != 200) {
        String why = body instanceof JsonObject o && o.getString("error") != null ? o.getString("error") : response.body();
        err.println("tef: the node at " + base + " answered " + response.statusCode() + ": " + why);
        return 1;
      }
      workers = body instanceof JsonArray a ? a : ((JsonObject) body).getJsonArray("workers");
    } catch (DecodeException | ClassCastException | NullPointerException e) {
      err.println("tef: the node at " + base + " answered " + response.statusCode() + " with something that is not TEF's JSON: "
          + abbreviate(response.body()));
      return 1;
    }
    out.println("Requiring Workers that match {'id': '" + id + "'} condition");
    JsonArray running = new JsonArray();
    workers.forEach(o -> {
      if (!"offline".equals(((JsonObject) o).getString("status"))) {
        running.add(o);
      }
    });
    out.println(running.size() + " Workers running with such a criteria:");
    running.forEach(o -> {
      JsonObject w = (JsonObject) o;
      out.println("Id: " + w.getString("id", w.getString("name")) + ", group: " + (w.getString("group") == null ? "-" : w.getString("group")));
    });
    out.flush();
    return 0;
  }

  private static String abbreviate(String s) {
    return s == null ? "" : s.length() > 200 ? s.substring(0, 200) + "..." : s;
  }
}
