package io.tef.core.store.mongo;

import io.tef.core.store.KeeperCheckpoints;
import io.tef.core.store.LeaseStore;
import io.tef.core.store.ResourceStore;
import io.tef.core.store.TaskDefinitionStore;
import io.tef.core.store.TaskStore;
import io.tef.core.store.TaskerStore;
import io.tef.core.store.local.LocalStore;
import io.tef.core.store.local.LocalStores;
import io.tef.core.store.WorkerRecords;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.MongoClient;

/**
 * One verticle's way into MongoDB (or the embedded MongoDB-wire store): a client from the pool
 * shared by every verticle of this Vert.x instance that names the same store, and the
 * collections on it. A verticle takes only the collections it owns (docs/architecture.md,
 * "Who owns which collection") and closes this when it stops.
 */
public final class MongoStores {

  /** MongoDB's code for a write refused by a unique index (an insert whose {@code _id} exists). */
  static final int DUPLICATE_KEY = 11000;

  private final MongoClient client;
  /** The store in this JVM at the same connection string, or null: see {@link LocalStores}. */
  private final LocalStore local;
  private final String database;

  private MongoStores(MongoClient client, LocalStore local, String database) {
    this.client = client;
    this.local = local;
    this.database = database;
  }

  public static MongoStores shared(Vertx vertx, String connectionString, String database) {
    return new MongoStores(sharedClient(vertx, connectionString, database), LocalStores.find(vertx, connectionString), database);
  }

  /**
   * Loads and initializes the MongoDB driver's classes (settings, codecs, the client) on the
   * calling thread. The first client a verticle makes in its start would otherwise do this on
   * an event loop, blocking it for seconds on a loaded machine; a node calls this first.
   */
  public static void loadDriver() {
    com.mongodb.MongoClientSettings.builder().applyConnectionString(new com.mongodb.ConnectionString("mongodb://127.0.0.1")).build();
    try {
      Class.forName("com.mongodb.reactivestreams.client.MongoClients", true, MongoStores.class.getClassLoader());
      Class.forName("io.vertx.ext.mongo.impl.MongoClientImpl", true, MongoStores.class.getClassLoader());
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException("the MongoDB client is not on the class path", e);
    }
  }

  /** One pool per store per Vert.x instance, whoever asks for it. */
  static MongoClient sharedClient(Vertx vertx, String connectionString, String database) {
    JsonObject cfg = new JsonObject()
        .put("connection_string", connectionString)
        .put("db_name", database);
    return MongoClient.createShared(vertx, cfg, "tef-store:" + connectionString + "/" + database);
  }

  /**
   * Tasks; its {@code close} is this client's, so close one or the other. On a store this JVM
   * serves, the dispatch path's writes and reads run in process ({@link LocalTaskStore}).
   */
  public TaskStore tasks() {
    MongoTaskStore wire = new MongoTaskStore(client);
    return local == null ? wire : new LocalTaskStore(local, database, wire);
  }

  public ResourceStore resources() {
    return new MongoResourceStore(client);
  }

  public LeaseStore leases() {
    return new MongoLeaseStore(client);
  }

  public KeeperCheckpoints keeperCheckpoints() {
    return new MongoKeeperCheckpoints(client);
  }

  public io.tef.core.store.ForeignJobs foreignJobs() {
    return new MongoForeignJobs(client);
  }

  public io.tef.core.store.FinishedTasks finishedTasks() {
    return new MongoFinishedTasks(client);
  }

  public TaskDefinitionStore taskDefinitions() {
    return new MongoTaskDefinitionStore(client);
  }

  public WorkerRecords workerRecords() {
    return new MongoWorkerRecords(client);
  }

  public TaskerStore tasker() {
    return new MongoTaskerStore(client);
  }

  /** The Qworker door's job collections, {@code <prefix><worker id>}. */
  public io.tef.core.store.QworkerJobs qworkerJobs(String prefix) {
    return new MongoQworkerJobs(client, prefix);
  }

  /** A mubsub channel on this store, its capped collection created when missing. */
  public Future<io.tef.core.mubsub.MubsubChannel> mubsub(Vertx vertx, String name, long sizeBytes) {
    return io.tef.core.mubsub.MubsubChannel.open(vertx, client, name, sizeBytes);
  }

  public Future<Void> close() {
    return client.close();
  }

  /** A duplicate-key refusal (an insert whose {@code _id} exists). */
  static boolean isDuplicateKey(Throwable err) {
    for (Throwable t = err; t != null; t = t.getCause()) {
      if (t instanceof com.mongodb.MongoException m && m.getCode() == DUPLICATE_KEY) {
        return true;
      }
      if (t.getMessage() != null && t.getMessage().contains("E11000")) {
        return true;
      }
    }
    return false;
  }
}
