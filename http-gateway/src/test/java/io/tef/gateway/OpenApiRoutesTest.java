package io.tef.gateway;

import io.tef.core.config.ConfigLoader;
import io.tef.core.config.TefConfig;
import io.tef.gateway.access.FailedAttempts;
import io.tef.gateway.access.KeyCheck;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.OpenAPIVersion;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The contract and the gateway agree: every method and path the router serves is an operation of
 * {@code openapi/tef.yaml} and every operation there is served. (What each one answers is checked
 * against a running node by the node's {@code OpenApiContractTest}.)
 */
class OpenApiRoutesTest {

  static Vertx vertx;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() {
    vertx.close();
  }

  @Test
  void everyServedRouteIsInTheContractAndBack() throws Exception {
    TefConfig config = ConfigLoader.loadBlocking(Map.of("TEF_ENV", "test", "TEF_CONFIG", java.nio.file.Path.of("..", "conf").toAbsolutePath().toString()), Map.of("tasker.task_types", java.util.List.of("deploy")));
    KeyCheck keys = new KeyCheck(config.auth().keyRing(), FailedAttempts.of(vertx, 20), "");
    Router router = GatewayRouter.build(vertx, config, keys, keys, Health.readiness(vertx, config), new io.tef.gateway.live.Activity(vertx));
    Set<String> served = new TreeSet<>();
    for (Route route : router.getRoutes()) {
      if (route.methods() == null || route.getPath() == null) {
        continue; // handlers for every method (keys, bodies), answering nothing of their own
      }
      String path = route.getPath().replaceAll(":([A-Za-z_]+)", "{$1}").replace("{id}", "{id}");
      path = path.startsWith("/deploy") ? path.replace("/deploy", "/{tasker_type}") : path;
      for (HttpMethod m : route.methods()) {
        if (m != HttpMethod.HEAD) { // HEAD is served wherever GET is
          served.add(m.name() + " " + normalise(path));
        }
      }
    }
    // Server-sent events: vertx-openapi 5 refuses a contract with a text/event-stream response, so
    // GET /api/events is described in README ("Dashboard") and tested by the node's DashboardApiTest.
    served.remove("GET /api/events");
    OpenAPIContract contract = OpenAPIContract.from(vertx, OpenApiRoute.CONTRACT).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    assertEquals(OpenAPIVersion.V3_1, contract.getVersion());
    Set<String> documented = new TreeSet<>();
    contract.operations().forEach(op -> documented.add(op.getHttpMethod().name() + " " + normalise(op.getOpenAPIPath())));
    assertEquals(documented, served, "the routes the gateway serves and the operations of openapi/tef.yaml");
  }

  /** Parameter names differ between code and contract ({suite} / {guid}): compare the shape. */
  private static String normalise(String path) {
    return path.replaceAll("\\{[^}]+}", "{}");
  }
}
