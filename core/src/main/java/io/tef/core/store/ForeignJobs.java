package io.tef.core.store;

import io.tef.core.task.Task;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * Jobs another program wrote into the tasks collection, as Agenda writes them ({@code now},
 * {@code schedule}, {@code every}: an ObjectId, a {@code name}, {@code data}, a {@code nextRunAt},
 * no TEF {@code state}), as the dispatcher's take-in sees them. Taking one in rewrites its
 * document, under the same id, as a TEF task; both that and setting one aside are filtered again
 * by "still a job nobody locked", so a job an Agenda processor locked meanwhile stays Agenda's.
 */
public interface ForeignJobs {

  /** Waiting jobs: no state, not locked, not disabled, with a next run; at most {@code limit}, in no set order. */
  Future<List<Job>> waiting(int limit);

  /** The job's document becomes the task's (whose guid is the job's id); false if it was no longer a waiting job. */
  Future<Boolean> takeIn(Job job, Task task);

  /** The job is disabled with this reason (so it is not read again), if it is still not taken in. */
  Future<Void> refuse(Job job, String reason);

  /** One job: its id (the ObjectId's hex digits) and its document as stored. */
  record Job(String id, JsonObject document) {
  }
}
