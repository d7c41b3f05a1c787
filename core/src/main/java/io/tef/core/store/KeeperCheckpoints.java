package io.tef.core.store;

import io.vertx.core.Future;

/** Keeper checkpoints ({@code keepers}), one per keeper name, owned by the dispatcher (its keeper service). */
public interface KeeperCheckpoints {

  /** The keeper's checkpoint, or null when it has none yet. */
  Future<KeeperCheckpoint> load(String keeper);

  /** Writes the checkpoint over the keeper's old one (or creates it), stamped with the time of the write. */
  Future<KeeperCheckpoint> save(KeeperCheckpoint checkpoint);

  /** Every keeper's checkpoint (a handful): retention keeps what any of them has not passed. */
  Future<java.util.List<KeeperCheckpoint>> all();
}
