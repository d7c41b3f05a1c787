package io.tef.node;

import io.tef.node.cli.TefCommand;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;

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
  void aWrongValueStopsTheNodeNamingIt() {
    Run r = run("node", "--roles", "dispatcher,chef");
    assertEquals(2, r.exit());
    assertTrue(r.err().contains("node.roles") && r.err().contains("chef"), r.err());
    Run port = run("node", "--http-port", "eighty");
    assertEquals(2, port.exit());
    assertTrue(port.err().contains("--http-port"), port.err());
  }
}
