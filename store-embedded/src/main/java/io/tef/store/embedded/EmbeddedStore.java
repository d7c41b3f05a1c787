package io.tef.store.embedded;

import de.bwaldvogel.mongo.MongoBackend;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import org.h2.mvstore.MVStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The embedded default: mongo-java-server speaking the MongoDB wire protocol on 127.0.0.1, its
 * data in one H2 MVStore file under the data folder (documents as BSON, see {@link StoreFileFormat}). Starting and stopping block; call them off
 * the event loop.
 */
public final class EmbeddedStore implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedStore.class);
  public static final String FILE_NAME = "tef-store.mv";
  /**
   * Threads that serve store connections. A write's reply waits (on its thread) for the group
   * commit that covers it, so these threads bound how many writes share one commit: with the
   * server's default (two per core) a commit covers four writes at most, and the store's durable
   * write rate is a few hundred per second.
   */
  static final int SERVER_THREADS = 64;

  private final MongoServer server;
  private final InProcessCommands inProcess;
  private final String connectionString;
  private final String description;

  private EmbeddedStore(MongoServer server, InProcessCommands inProcess, String connectionString, String description) {
    this.server = server;
    this.inProcess = inProcess;
    this.connectionString = connectionString;
    this.description = description;
  }

  /** On disk under {@code dataDir}; {@code port} 0 picks a free port. */
  public static EmbeddedStore onDisk(Path dataDir, String host, int port) {
    try {
      Files.createDirectories(dataDir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create data folder " + dataDir.toAbsolutePath(), e);
    }
    Path file = dataDir.resolve(FILE_NAME).toAbsolutePath().normalize();
    MVStore mvStore;
    try {
      mvStore = StoreFileFormat.open(file);
    } catch (RuntimeException e) {
      throw new IllegalStateException("cannot open the store file " + file + " (is another node using this data folder?): " + e.getMessage(), e);
    }
    DurableH2Backend backend;
    try {
      backend = new DurableH2Backend(mvStore);
    } catch (RuntimeException e) {
      mvStore.close();
      throw new IllegalStateException("cannot read the store file " + file + ": " + e.getMessage(), e);
    }
    return bind(backend, host, port, file.toString());
  }

  /** Nothing on disk; for tests and benchmarks of the code around the store. */
  public static EmbeddedStore inMemory(String host, int port) {
    return bind(new MemoryBackend(), host, port, "memory");
  }

  private static EmbeddedStore bind(MongoBackend backend, String host, int port, String description) {
    MongoServer server = new MongoServer(backend);
    try {
      server.bind(new java.net.InetSocketAddress(host, port), 1, SERVER_THREADS);
    } catch (RuntimeException e) {
      server.shutdownNow();
      throw new IllegalStateException("cannot listen for the store on " + host + ":" + port + ": " + e.getMessage(), e);
    }
    var address = server.getLocalAddress();
    String cs = "mongodb://" + address.getHostString() + ":" + address.getPort();
    LOG.info("Embedded store {} listening on {}", description, cs);
    return new EmbeddedStore(server, new InProcessCommands(backend), cs, description);
  }

  public String connectionString() {
    return connectionString;
  }

  /**
   * Commands from this JVM, without the wire: each a document as a client would send it (plain
   * maps and lists, {@link java.time.Instant} for dates), run in order on a store thread, answered
   * with one reply each once every write among them is durable. A refused command is answered
   * {@code ok: 0} with its {@code errmsg} and {@code code}, as over the wire.
   */
  public java.util.concurrent.CompletableFuture<java.util.List<java.util.Map<String, Object>>> run(
      String database, java.util.List<java.util.Map<String, Object>> commands) {
    return inProcess.run(database, commands);
  }

  /** Stops listening and closes the file cleanly. */
  @Override
  public void close() {
    inProcess.close();
    server.shutdown();
    LOG.info("Embedded store {} closed", description);
  }
}
