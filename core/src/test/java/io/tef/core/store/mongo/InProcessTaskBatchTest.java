package io.tef.core.store.mongo;

/** Every test of {@link TaskBatchTest} on the in-process path: a batch is one insert command and one update per replace. */
class InProcessTaskBatchTest extends TaskBatchTest {

  @Override
  boolean inProcess() {
    return true;
  }
}
