package io.tef.core.task;

import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Documents in the tasks collection that TEF did not write (another program's, an Agenda job
 * written there): left out of what TEF reads as tasks, each named once in the log, so that one of
 * them never breaks a listing.
 */
public final class ForeignDocuments {

  private static final Logger LOG = LoggerFactory.getLogger(ForeignDocuments.class);
  /** Ids already named in the log; bounded, so a flood of them costs no memory. */
  private static final Set<String> NAMED = ConcurrentHashMap.newKeySet();
  private static final int MAX_NAMED = 1000;

  private ForeignDocuments() {
  }

  /** Whether TEF wrote this document: a task type in {@code name} and a known state. */
  public static boolean isTask(JsonObject d) {
    return d.getValue("name") instanceof String
        && d.getValue("state") instanceof String s && io.tef.protocol.task.TaskState.fromWire(s) != null;
  }

  /** The tasks among these documents, in their order; the others named in the log once each. */
  public static List<Task> tasks(List<?> documents) {
    List<Task> out = new ArrayList<>(documents.size());
    for (Object o : documents) {
      @SuppressWarnings("unchecked")
      JsonObject d = o instanceof JsonObject j ? j : new JsonObject((java.util.Map<String, Object>) o);
      if (isTask(d)) {
        out.add(TaskJson.fromDocument(d));
      } else {
        String id = TaskIds.guidOf(d);
        if (NAMED.size() < MAX_NAMED && NAMED.add(id)) {
          LOG.warn("The tasks collection holds a document TEF did not write (_id {}); it is left out of task listings", id);
        }
      }
    }
    return out;
  }
}
