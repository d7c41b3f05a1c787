package io.tef.gateway;

import io.tef.protocol.Addresses;
import io.tef.protocol.DispatcherState;
import io.tef.protocol.ValidationException;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

/** {@code /api/dispatcher/state}: TEF's set_state over REST. */
final class DispatcherRoutes {

  private final Vertx vertx;

  DispatcherRoutes(Vertx vertx) {
    this.vertx = vertx;
  }

  void mount(Router router) {
    router.get("/api/dispatcher/state").handler(QueryParams.NONE).handler(ctx -> JsonResponses.relay(ctx, vertx, Addresses.DISPATCHER_CONTROL,
        io.tef.protocol.DispatcherControl.GET_STATE.message(null), DispatcherRoutes::stateView));
    router.put("/api/dispatcher/state").handler(BodyHandler.create(false).setBodyLimit(4096)).handler(QueryParams.NONE).handler(this::setState);
  }

  private void setState(RoutingContext ctx) {
    JsonObject body = JsonResponses.bodyObject(ctx, "the body must be a JSON object like {\"state\": \"paused\"}");
    JsonResponses.onlyFields(body, "{\"state\": \"running\" | \"paused\" | \"stopped\"}", "state");
    DispatcherState state = DispatcherState.parse(body.getValue("state"), "state");
    JsonResponses.relay(ctx, vertx, Addresses.DISPATCHER_CONTROL, io.tef.protocol.DispatcherControl.SET_STATE.message(state.wire()),
        DispatcherRoutes::stateView);
  }

  private static JsonObject stateView(JsonObject reply) {
    JsonObject view = reply.copy();
    view.put("state", view.remove("response"));
    return view;
  }
}
