package io.tef.dispatcher;

import io.tef.core.task.TaskDefinition;
import io.tef.protocol.Addresses;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * The task definitions as the registry (their owner) lists them on {@link Addresses#TASK_TYPES},
 * built-ins left out (they have no defaults of their own). No registry answering yet: none, and
 * the registry's {@link Addresses#EVENTS_TASK_TYPES} bring them as they are defined.
 */
final class RegistryTaskTypes implements TaskTypeDefaults.Source {

  private static final Logger LOG = LoggerFactory.getLogger(RegistryTaskTypes.class);

  private final Vertx vertx;

  RegistryTaskTypes(Vertx vertx) {
    this.vertx = vertx;
  }

  @Override
  public Future<List<TaskDefinition>> all() {
    return vertx.eventBus().<JsonObject>request(Addresses.TASK_TYPES, new JsonObject().put("op", "list"), new DeliveryOptions().setSendTimeout(5000))
        .map(reply -> {
          List<TaskDefinition> defs = new ArrayList<>();
          JsonArray list = reply.body().getJsonArray("task_types", new JsonArray());
          list.forEach(o -> {
            JsonObject d = ((JsonObject) o).copy();
            // A built-in's definition counts too (the Task Engine's run once); the flag is the registry's remark.
            d.remove("built_in");
            defs.add(TaskDefinition.fromJson(d));
          });
          return defs;
        })
        .otherwise(err -> {
          LOG.info("No registry answered for the task types yet ({}); their definitions will come with its events", err.getMessage());
          return List.of();
        });
  }
}
