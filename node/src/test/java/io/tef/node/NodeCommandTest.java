package io.tef.node;

import io.tef.node.cli.TefCommand;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The CLI: help on every command, and bad options or configuration stop the node with a message naming them. */
class NodeCommandTest {

  private record Run(int exit, String out, String err) {
  }

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cmd = TefCommand.commandLine();
    cmd.setOut(new PrintWriter(out, true));
    cmd.setErr(new PrintWriter(err, true));
    int exit = cmd.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  @Test
  void everyCommandHasHelp() {
    Run top = run("--help");
    assertEquals(0, top.exit());
    assertTrue(top.out().contains("node"), top.out());
    Run node = run("node", "--help");
    assertEquals(0, node.exit());
    for (String option : new String[] {"--data-dir", "--http-port", "--roles", "--demo-workers", "--cluster", "--set"}) {
      assertTrue(node.out().contains(option), "node --help lists " + option);
    }
  }

  @Test
  void anUnknownConfigurationKeyStopsTheNodeNamingIt() {
    Run r = run("node", "--set", "http.prot=9000");
    assertEquals(2, r.exit());
    assertTrue(r.err().contains("http.prot") && r.err().contains("not a known key"), r.err());
  }

  @Test
  void aBadLogFormatOrReadyTimeoutStopsTheNodeNamingIt() {
    Run format = run("node", "--log-format", "xml");
    assertEquals(2, format.exit());
    assertTrue(format.err().contains("logging.format") && format.err().contains("xml"), format.err());
    Run timeout = run("node", "--ready-timeout", "-5");
    assertEquals(2, timeout.exit());
    assertTrue(timeout.err().contains("--ready-timeout"), timeout.err());
    Run age = run("node", "--set", "retention.completed=a week");
    assertEquals(2, age.exit());
    assertTrue(age.err().contains("retention.completed"), age.err());
  }

  @Test
  void aWrongValueStopsTheNodeNamingIt() {
    Run r = run("node", "--roles", "dispatcher,chef");
    assertEquals(2, r.exit());
    assertTrue(r.err().contains("node.roles") && r.err().contains("chef"), r.err());
    Run port = run("node", "--http-port", "eighty");
    assertEquals(2, port.exit());
    assertTrue(port.err().contains("--http-port"), port.err());
  }

  /** A list key takes a,b or [a, b]: each element arrives on its own (here the second one is refused by name). */
  @Test
  void aListOnTheCommandLineReachesTheConfigurationAsAList() {
    for (String value : new String[] {"deploy,api", "[deploy,api]", "[deploy, api]"}) {
      Run r = run("node", "--set", "tasker.task_types=" + value);
      assertEquals(2, r.exit(), r.err());
      assertTrue(r.err().contains("tasker.task_types[1]") && r.err().contains("'api'"), value + ": " + r.err());
    }
  }

  /** Without keys a gateway is open, which a node allows on loopback only, unless auth.open says so. */
  @Test
  void aGatewayBeyondLoopbackWithoutKeysRefusesToStart() {
    Run r = run("node", "--http-host", "0.0.0.0", "--data-dir", dataDir.toString());
    assertEquals(2, r.exit(), r.out());
    assertTrue(r.err().contains("auth.api_keys") && r.err().contains("0.0.0.0") && r.err().contains("auth.open"), r.err());
  }

  @TempDir
  Path dataDir;

  /** A node started with a list and a map on the command line runs with them. */
  @Test
  void aNodeStartsWithListsAndMapsGivenOnTheCommandLine() throws Exception {
    try (NodeProcess node = NodeProcess.start(dataDir, "--set", "tasker.task_types=[deploy,backup]",
        "--set", "resources={db: {limit: 1}}", "--set", "node.roles=dispatcher,collective,registry,gateway")) {
      int port = node.awaitReady();
      Polling.until("the doors line", java.time.Duration.ofSeconds(10), node::output, out -> out.contains("Doors: OPEN"));
      assertTrue(node.output().contains("/api answers everyone who can reach 127.0.0.1"), node.output());
      HttpClient client = HttpClient.newHttpClient();
      for (String type : new String[] {"deploy", "backup"}) {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/" + type + "/nope")).build(),
            HttpResponse.BodyHandlers.ofString());
        // The route is there; without a bridge (no amqp.url) the tasker door's reads wait for one, as its POST does.
        assertEquals(503, r.statusCode(), r.body());
        assertTrue(r.body().contains("tef.tasker.query"), "tasker's route for " + type + ": " + r.body());
      }
      HttpResponse<String> other = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/unlisted/nope")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(404, other.statusCode(), "a type not listed has no tasker route: " + other.body());
      HttpResponse<String> db = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/resources/db")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(200, db.statusCode(), db.body());
      assertTrue(db.body().contains("\"limit\":1"), db.body());
      node.terminate();
    }
  }
}
