package io.tef.node;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A Task Engine client in Python with pyzmq ({@code src/test/python/task_engine_client.py}), run by
 * Debian's python3 (python3-zmq); the tests fail, never skip, when it is missing.
 */
final class TaskEngineClient implements AutoCloseable {

  static final String PYTHON = "/usr/bin/python3";
  static final String META = "{\"type\": \"REQ\", \"version\": 0.1, \"role\": \"requestor\", \"id\": \"CLIENT\", \"pack\": 1483311405.215693}";

  private final Process process;
  private final Writer in;
  private final BufferedReader out;

  private TaskEngineClient(Process process) {
    this.process = process;
    this.in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
  }

  static Process python(String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of(PYTHON, Path.of("src/test/python/task_engine_client.py").toAbsolutePath().toString()));
    command.addAll(List.of(args));
    return new ProcessBuilder(command).redirectErrorStream(true).start();
  }

  /** A REQ client (or DEALER with {@code --dealer}) on this endpoint; options as the script takes them. */
  static TaskEngineClient connect(String endpoint, String... options) throws IOException {
    List<String> args = new ArrayList<>(List.of(endpoint));
    args.addAll(List.of(options));
    return new TaskEngineClient(python(args.toArray(String[]::new)));
  }

  static String task(String name, String args) {
    return "{\"task\": \"" + name + "\", \"args\": " + args + ", \"kwargs\": {}, \"pack\": 1483311405.215693}";
  }

  /** Sends these frames as they are (text), and gives the frames of the answer, or null when none came in time. */
  List<String> ask(String... frames) throws IOException {
    in.write(new JsonArray(List.of((Object[]) frames)).encode() + "\n");
    in.flush();
    String line = out.readLine();
    assertNotNull(line, "the Python client answered (is python3-zmq installed? apt-get install python3-zmq)");
    if (line.startsWith("{")) {
      assertEquals(new JsonObject().put("timeout", true), new JsonObject(line), line);
      return null;
    }
    assertTrue(line.startsWith("["), "a list of frames, not: " + line + " (is python3-zmq installed?)");
    return new JsonArray(line).stream().map(String::valueOf).toList();
  }

  /** The DATA frame's data of the answer to a [META, frame] request. */
  Object data(String frame) throws IOException {
    List<String> answer = ask(META, frame);
    assertNotNull(answer, "an answer");
    assertEquals(2, answer.size(), "[META, DATA]: " + answer);
    return new JsonObject(answer.get(1)).getValue("data");
  }

  @Override
  public void close() throws Exception {
    in.close();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }
}
