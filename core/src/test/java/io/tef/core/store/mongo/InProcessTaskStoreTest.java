package io.tef.core.store.mongo;

/** Every test of {@link MongoTaskStoreTest} on the in-process path of the node's own store ({@link LocalTaskStore}). */
class InProcessTaskStoreTest extends MongoTaskStoreTest {

  @Override
  boolean inProcess() {
    return true;
  }
}
