package io.tef.store.embedded;

import de.bwaldvogel.mongo.MongoDatabase;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.bson.Document;
import io.netty.channel.Channel;
import org.h2.mvstore.MVStore;

import java.util.Locale;
import java.util.Set;

/**
 * H2 commits on a timer (every second) by default, so a crash could lose a write already
 * acknowledged. Here a write command's reply leaves only once an MVStore commit that includes
 * the write has finished. Writes that arrive while a commit runs share the next one (group
 * commit), so the cost of a commit is spread over every write waiting for it. Its databases keep
 * documents in the {@link StoreFileFormat}.
 */
final class DurableH2Backend extends H2Backend {

  private static final Set<String> WRITES = Set.of("insert", "update", "delete", "findandmodify", "create",
      "createindexes", "drop", "dropdatabase", "dropindexes");

  private final Object lock = new Object();
  /** Writes applied so far, and how many of them a finished commit covers. */
  private long applied;
  private long committed;
  private boolean committing;

  DurableH2Backend(MVStore store) {
    super(store);
  }

  @Override
  protected MongoDatabase openOrCreateDatabase(String databaseName) {
    return new BsonH2Database(databaseName, getMvStore(), getCursorRegistry());
  }

  /** Marks the file closed before it closes: the next open knows this run's suite indexes are whole. */
  @Override
  public void close() {
    StoreFileFormat.markClosed(getMvStore());
    super.close();
  }

  @Override
  public Document handleCommand(Channel channel, String database, String command, Document query) {
    TailWaits.install(channel, getCursorRegistry());
    Document reply = super.handleCommand(channel, database, command, query);
    if (WRITES.contains(command.toLowerCase(Locale.ROOT))) {
      awaitCommitOfLastWrite();
    }
    return reply;
  }

  /**
   * Commands from this JVM ({@link InProcessCommands}), applied in order and answered once one
   * commit covers every write among them: a batch waits for one commit, not one per command.
   */
  java.util.List<Document> handleCommands(Channel channel, String database, java.util.List<Document> queries) {
    java.util.List<Document> replies = new java.util.ArrayList<>(queries.size());
    boolean wrote = false;
    for (Document q : queries) {
      String command = q.keySet().iterator().next();
      replies.add(InProcessCommands.answered(() -> super.handleCommand(channel, database, command, q)));
      wrote |= WRITES.contains(command.toLowerCase(Locale.ROOT));
    }
    if (wrote) {
      awaitCommitOfLastWrite();
    }
    return replies;
  }

  private void awaitCommitOfLastWrite() {
    long ticket;
    synchronized (lock) {
      ticket = ++applied;
    }
    while (true) {
      long upTo;
      synchronized (lock) {
        while (committing && committed < ticket) {
          try {
            lock.wait();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the store to commit", e);
          }
        }
        if (committed >= ticket) {
          return;
        }
        committing = true;
        upTo = applied;
      }
      try {
        commit();
      } finally {
        synchronized (lock) {
          committing = false;
          committed = Math.max(committed, upTo);
          lock.notifyAll();
        }
      }
    }
  }
}
