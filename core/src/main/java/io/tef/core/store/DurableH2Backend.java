package io.tef.core.store;

import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.bson.Document;
import io.netty.channel.Channel;

import java.util.Set;

/**
 * H2 commits on a timer (every second) by default, so a crash could lose a write already
 * acknowledged. This backend commits the MVStore after every write command, before the reply
 * leaves, so an acknowledged write survives the process.
 */
final class DurableH2Backend extends H2Backend {

  private static final Set<String> WRITES = Set.of("insert", "update", "delete", "findandmodify",
      "createindexes", "drop", "dropdatabase", "dropindexes");

  DurableH2Backend(String fileName) {
    super(fileName);
  }

  @Override
  public Document handleCommand(Channel channel, String database, String command, Document query) {
    Document reply = super.handleCommand(channel, database, command, query);
    if (WRITES.contains(command.toLowerCase(java.util.Locale.ROOT))) {
      commit();
    }
    return reply;
  }
}
