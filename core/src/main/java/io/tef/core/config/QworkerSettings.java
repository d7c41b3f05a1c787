package io.tef.core.config;

/**
 * The Qworker manager door (module {@code qworker-manager}): TEF answers Qworker's workers on
 * their mubsub channel and feeds each one from an Agenda job collection of its own.
 *
 * @param enabled          deploy the door (with the dispatcher role's node; the store must be one the workers reach)
 * @param channel          the mubsub channel (a capped collection) the workers publish on; Qworker's is {@code mubsub}
 * @param channelSizeBytes the capped collection's size when TEF creates it
 * @param db               the MongoDB URL sent to the workers in {@code <pid>/start}; empty: this node's store
 * @param collectionPrefix a worker's jobs are in {@code <prefix><worker id>}
 * @param pingIntervalMs   the ping interval sent to the workers; one silent for twice as long is offline
 * @param processEveryMs   how often a worker's Agenda looks for jobs (sent as {@code processEvery})
 */
public record QworkerSettings(boolean enabled, String channel, long channelSizeBytes, String db, String collectionPrefix,
                              long pingIntervalMs, long processEveryMs) {

  void validate() {
    require(channel != null && channel.matches("[A-Za-z0-9_.-]{1,100}") && !channel.startsWith("system."), "qworker.channel",
        "must be a collection name (1 to 100 letters, digits, _ . -), got '" + channel + "'");
    require(channelSizeBytes >= 4096 && channelSizeBytes <= 1L << 30, "qworker.channel_size_bytes", "must be 4096 to 1073741824, got " + channelSizeBytes);
    require(db != null && (db.isEmpty() || db.startsWith("mongodb://") || db.startsWith("mongodb+srv://")), "qworker.db",
        "must be empty (this node's store) or a mongodb:// URL");
    require(collectionPrefix != null && collectionPrefix.matches("[A-Za-z0-9_.-]{1,60}") && !collectionPrefix.startsWith("system."),
        "qworker.collection_prefix", "must be 1 to 60 letters, digits, _ . -, got '" + collectionPrefix + "'");
    require(!"tasks".equals(collectionPrefix), "qworker.collection_prefix", "must not be 'tasks': Qworker deletes the job documents it finished");
    require(pingIntervalMs >= 100 && pingIntervalMs <= 3_600_000, "qworker.ping_interval_ms", "must be 100 to 3600000, got " + pingIntervalMs);
    require(processEveryMs >= 50 && processEveryMs <= 600_000, "qworker.process_every_ms", "must be 50 to 600000, got " + processEveryMs);
  }

  private static void require(boolean ok, String key, String problem) {
    if (!ok) {
      throw new ConfigException(key, problem);
    }
  }
}
