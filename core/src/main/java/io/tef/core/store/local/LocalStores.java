package io.tef.core.store.local;

import io.vertx.core.Vertx;
import io.vertx.core.shareddata.LocalMap;

/**
 * The stores this JVM serves, by connection string, for the verticles of one Vert.x instance:
 * the node registers its embedded store when it starts it, so a verticle that names that store
 * reaches it in process; any other store (a real MongoDB, an embedded store of another JVM) is
 * reached over the wire.
 */
public final class LocalStores {

  private static final String MAP = "tef.local-stores";

  public static void register(Vertx vertx, String connectionString, LocalStore store) {
    map(vertx).put(connectionString, store);
  }

  public static void unregister(Vertx vertx, String connectionString) {
    map(vertx).remove(connectionString);
  }

  /** The store this JVM serves at {@code connectionString}, or null. */
  public static LocalStore find(Vertx vertx, String connectionString) {
    return map(vertx).get(connectionString);
  }

  private static LocalMap<String, LocalStore> map(Vertx vertx) {
    return vertx.sharedData().getLocalMap(MAP);
  }

  private LocalStores() {
  }
}
