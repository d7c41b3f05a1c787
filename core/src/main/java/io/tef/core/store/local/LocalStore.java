package io.tef.core.store.local;

import io.vertx.core.shareddata.Shareable;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * A MongoDB-wire store served by this JVM (the embedded store), reached without the wire: the
 * same commands as documents, their replies as documents, with no client driver, socket or BSON
 * encoding between. Documents are plain trees: {@code Map<String, Object>} and {@code List}, with
 * strings, numbers, booleans, nulls and {@link java.time.Instant} for dates.
 */
public interface LocalStore extends Shareable {

  /**
   * Runs the commands in order on database {@code database} and completes (on a store thread)
   * with one reply per command once every write among them is durable, as a MongoDB server's
   * replies would be. A command the store refuses completes with that refusal as its reply
   * ({@code ok: 0}); the stage fails only when the store itself fails.
   */
  CompletionStage<List<Map<String, Object>>> run(String database, List<Map<String, Object>> commands);
}
