package io.tef.node;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * npm packages the browser-side tests run, installed into a folder of the build (never a global
 * one) at pinned versions, once per build. Node and npm must be there: under CI a test that needs
 * them fails when they are missing, as any other.
 */
final class JsClients {

  private JsClients() {
  }

  static synchronized void install(Path folder, String... packages) throws Exception {
    Path marker = folder.resolve("installed-" + String.join("+", packages).replaceAll("[^A-Za-z0-9.@+-]", "_"));
    if (Files.exists(marker)) {
      return;
    }
    Files.createDirectories(folder);
    List<String> command = new ArrayList<>(List.of("npm", "install", "--no-audit", "--no-fund", "--prefix", folder.toAbsolutePath().toString()));
    command.addAll(List.of(packages));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    boolean ended = p.waitFor(5, TimeUnit.MINUTES);
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!ended || p.exitValue() != 0) {
      throw new AssertionError("npm install " + String.join(" ", packages) + " failed (Node.js and npm are needed for this test):\n" + out);
    }
    Files.writeString(marker, out);
  }
}
