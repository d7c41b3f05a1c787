package io.tef.core.store;

import io.tef.core.task.Task;
import io.vertx.core.Promise;

/**
 * One write of a batch handed to {@link TaskStore#writeAll}: what to write and the promise the
 * store completes with its outcome, as {@link TaskStore#insert} or {@link TaskStore#save} would.
 */
public sealed interface TaskWrite {

  Task task();

  /** Fails this write's promise, unless it is settled already. */
  void fail(Throwable err);

  /** A new task; duplicates come back as the stored one (see {@link TaskStore#insert}). */
  record Insert(Task task, Promise<InsertOutcome> done) implements TaskWrite {
    @Override
    public void fail(Throwable err) {
      done.tryFail(err);
    }
  }

  /** A fenced write over the stored task (see {@link TaskStore#save}). */
  record Save(Task task, Promise<SaveOutcome> done) implements TaskWrite {
    @Override
    public void fail(Throwable err) {
      done.tryFail(err);
    }
  }
}
