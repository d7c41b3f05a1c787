package io.tef.dispatcher;

import io.tef.core.resource.ResourceDefinition;
import io.tef.core.store.ResourceStore;
import io.tef.protocol.Addresses;
import io.tef.protocol.Fields;
import io.tef.protocol.ValidationException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.ZoneId;
import java.util.Comparator;

/**
 * TEF's res_man over the event bus: put, get, delete, list. Definitions live in the store; every
 * dispatcher's gate learns a change from the event published with it.
 */
final class Resources {

  private static final Logger LOG = LoggerFactory.getLogger(Resources.class);

  private final Vertx vertx;
  private final ResourceStore store;
  private final ResourceGate gate;
  /** dispatcher.zone: the zone a definition's windows are read in. */
  private final ZoneId zone;
  private final String instance;

  Resources(Vertx vertx, ResourceStore store, ResourceGate gate, ZoneId zone, String instance) {
    this.vertx = vertx;
    this.store = store;
    this.gate = gate;
    this.zone = zone;
    this.instance = instance;
  }

  Future<JsonObject> handle(JsonObject message) {
    String op = Fields.requireString(message, "op");
    return switch (op) {
      case "list" -> store.definitions().compose(defs -> store.holds().map(holds -> {
        JsonArray list = new JsonArray();
        defs.stream().sorted(Comparator.comparing(ResourceDefinition::name)).forEach(d -> list.add(gate.view(d, holds)));
        return new JsonObject().put("resources", list);
      }));
      case "get" -> {
        String name = Fields.requireString(message, "name");
        yield store.definition(name).compose(def -> {
          if (def == null) {
            throw new ValidationException(404, "name", "no resource named '" + name + "' (an undefined name is unlimited)");
          }
          return store.holds().map(holds -> gate.view(def, holds));
        });
      }
      case "put" -> {
        String name = Fields.requireString(message, "name");
        ResourceDefinition def = ResourceDefinition.parse(name, Fields.optionalObject(message, "definition"), zone, "");
        yield store.definition(name).compose(before -> store.put(def).map(v -> {
          gate.define(def);
          vertx.eventBus().publish(Addresses.EVENTS_RESOURCES, new JsonObject().put("event", "defined").put("definition", def.toJson()).put("owner", instance));
          LOG.info("Resource {} defined: {}", name, def.toJson().encode());
          return def.toJson().put("created", before == null);
        }));
      }
      case "delete" -> {
        String name = Fields.requireString(message, "name");
        yield store.delete(name).map(deleted -> {
          if (!deleted) {
            throw new ValidationException(404, "name", "no resource named '" + name + "'");
          }
          gate.undefine(name);
          vertx.eventBus().publish(Addresses.EVENTS_RESOURCES, new JsonObject().put("event", "deleted").put("resource", name).put("owner", instance));
          LOG.info("Resource {} deleted: the name is unlimited now", name);
          return new JsonObject().put("deleted", name);
        });
      }
      default -> throw new ValidationException("op", "unknown resource operation '" + op + "'; one of put, get, delete, list");
    };
  }
}
