package io.tef.core.store;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * The Agenda job collections the Qworker door feeds its workers from: one per worker, so the job
 * TEF gave a worker is run by that worker alone. A job is one dispatched attempt of a task; its
 * {@code tef} field ({@code guid}, {@code attempt}, {@code attempt_token}) is the fence.
 */
public interface QworkerJobs {

  /** The collection a worker's jobs are in (sent to it in {@code <pid>/start}). */
  String collection(String worker);

  /** Stores an Agenda job for an attempt; answers its {@code _id} (an ObjectId's hex text). */
  Future<String> add(String worker, Job job);

  /**
   * Removes a job no worker has locked; answers whether it went. A locked job is left to its
   * worker: Agenda 0.7 saves a job when it ends, and throws if the document is gone.
   */
  Future<Boolean> removeUnlocked(String worker, String jobId);

  /** Removes the worker's jobs that Agenda finished (their {@code lastFinishedAt} set, their lock released). */
  Future<Long> removeFinished(String worker);

  /** The worker's jobs TEF wrote, as stored (the worker may have locked or run them). */
  Future<List<JsonObject>> jobs(String worker);

  /** Removes every job of the worker except {@code keepJobId} (may be null); answers how many went. */
  Future<Long> clear(String worker, String keepJobId);

  /** One dispatched attempt as an Agenda job: its name is the task type, its data the task's data. */
  record Job(String taskType, JsonObject data, int priority, String guid, int attempt, String token) {
  }
}
