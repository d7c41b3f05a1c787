package io.tef.dispatcher;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class WorkerPoolTest {

  @Test
  void aBusyWorkerIsNotIdleForAnyOfItsTypes() {
    WorkerPool pool = new WorkerPool();
    WorkerPool.Worker w = pool.add("w1", "i1", List.of("a", "b"), true);
    assertEquals(w, pool.firstIdle("a"));
    pool.assign(w, "task-1");
    assertNull(pool.firstIdle("a"));
    assertNull(pool.firstIdle("b"));
    pool.release(w);
    assertEquals(w, pool.firstIdle("b"));
  }

  @Test
  void longestIdleWorkerFirst() {
    WorkerPool pool = new WorkerPool();
    WorkerPool.Worker w1 = pool.add("w1", "i", List.of("a"), true);
    WorkerPool.Worker w2 = pool.add("w2", "i", List.of("a"), true);
    pool.assign(w1, "t");
    pool.release(w1);
    assertEquals(w2, pool.firstIdle("a"), "w2 has waited longer");
  }

  @Test
  void aRemovedWorkerIsNeverIdleAgain() {
    WorkerPool pool = new WorkerPool();
    WorkerPool.Worker w = pool.add("w1", "i", List.of("a"), true);
    pool.assign(w, "t");
    pool.remove("w1");
    pool.release(w);
    assertNull(pool.firstIdle("a"));
    assertEquals(0, pool.size());
  }
}
