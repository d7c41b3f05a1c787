package io.tef.node;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static io.tef.node.TaskEngineClient.META;
import static io.tef.node.TaskEngineClient.task;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * As deployed: {@code tef node --cluster --zmq-port P} in one JVM, {@code tef worker --cluster} in
 * another, a pyzmq client in a third process; the call runs on the remote worker, whose name
 * answers in META's id.
 */
class ZmqWorkerProcessTest {

  @TempDir
  Path dataDir;

  @Test
  void aWorkerInAnotherJvmServesTheCalls() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    try (NodeProcess node = NodeProcess.start(dataDir, "--cluster", "--cluster-host", "127.0.0.1", "--zmq-port", String.valueOf(port));
         NodeProcess worker = NodeProcess.worker(Map.of(), "--cluster", "--cluster-host", "127.0.0.1", "--id", "te-remote",
             "--tasks", "task_get_count,task_get_average")) {
      node.awaitReady();
      String door = "ZeroMQ door (Task Engine clients): tcp://127.0.0.1:" + port + " (plain ZeroMQ)";
      org.awaitility.Awaitility.await("the node says where the door is").atMost(java.time.Duration.ofSeconds(10))
          .until(() -> node.output().contains(door));
      worker.awaitReady();
      try (TaskEngineClient client = TaskEngineClient.connect("tcp://127.0.0.1:" + port)) {
        List<String> answer = client.ask(META, task("task_get_average", "[1, 2, 3, 4]"));
        assertEquals("te-remote", new JsonObject(answer.get(0)).getString("id"), "run by the worker process: " + answer);
        assertEquals(2.5, new JsonObject(answer.get(1)).getValue("data"));
        for (int i = 0; i < 20; i++) {
          assertEquals(i + 10, client.data(task("task_get_count", "[" + i + ", 10]")));
        }
      }
    }
  }
}
