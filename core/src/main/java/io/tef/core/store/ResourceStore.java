package io.tef.core.store;

import io.tef.core.resource.ResourceDefinition;
import io.tef.core.resource.ResourceHold;
import io.vertx.core.Future;

import java.util.List;

/**
 * Resource definitions ({@code resources}) and the holds on them ({@code resource_holds}), owned
 * by the dispatcher. Both are read whole (one document per resource and per held slot); writes
 * go by {@code _id}.
 */
public interface ResourceStore {

  Future<List<ResourceDefinition>> definitions();

  /** The definition with this name, or null. */
  Future<ResourceDefinition> definition(String name);

  Future<Void> put(ResourceDefinition def);

  /** True when there was a definition to delete. */
  Future<Boolean> delete(String name);

  Future<List<ResourceHold>> holds();

  /** Takes the slot; true when taken, false when someone holds it already. */
  Future<Boolean> take(ResourceHold hold);

  /** Frees the slot if this attempt of this task still holds it. */
  Future<Void> release(ResourceHold hold);
}
