package io.tef.node;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The dashboard in a real browser: Debian's Chromium, headless, driven by playwright-core (npm,
 * pinned, installed into the build) running {@code src/test/js/dashboard.mjs} against a node with
 * keys. The key prompt refuses a wrong key; a task submitted by REST shows up live and completes on
 * screen; cancel, retry, priority, dispatcher pause and suite pause from the pages change what REST
 * shows; a reader's key sees no actions; no page logs an error. Screenshots of each page go to
 * {@code node/target/screenshots/}. Chromium and Node.js must be installed (.ci/run installs them).
 */
class DashboardBrowserTest {

  static final String PLAYWRIGHT = "playwright-core@1.65.1";
  static final String ADMIN_KEY = "dashboard-admin-key-01";
  static final String READER_KEY = "dashboard-reader-key-01";
  static final Path CHROMIUM = Path.of(System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium"));

  @TempDir
  Path dataDir;

  @Test
  @Timeout(300)
  void everyPageWorksInARealBrowser() throws Exception {
    assertTrue(Files.isExecutable(CHROMIUM), CHROMIUM + " is missing: apt-get install chromium (or set CHROMIUM)");
    Path folder = Path.of("target", "ui-test").toAbsolutePath();
    JsClients.install(folder, PLAYWRIGHT);
    Path script = folder.resolve("dashboard.mjs");
    Files.copy(Path.of("src", "test", "js", "dashboard.mjs"), script, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    Path shots = Files.createDirectories(Path.of("target", "screenshots").toAbsolutePath());
    try (TefNode node = TestNodes.start(dataDir, Map.of("node.demo_workers", 1,
        "auth.api_keys", List.of(ADMIN_KEY, Map.of("name", "reader", "key", READER_KEY, "roles", List.of("read"))),
        "auth.max_failures_per_minute", 1000,
        "resources", Map.of("ui-db", Map.of("limit", 2))))) {
      ProcessBuilder pb = new ProcessBuilder("node", script.toString()).directory(folder.toFile()).redirectErrorStream(true);
      pb.environment().putAll(Map.of("TEF_URL", "http://127.0.0.1:" + node.httpPort(), "TEF_ADMIN_KEY", ADMIN_KEY,
          "TEF_READER_KEY", READER_KEY, "CHROMIUM", CHROMIUM.toString(), "SCREENSHOTS", shots.toString()));
      Process p = pb.start();
      boolean ended = p.waitFor(240, TimeUnit.SECONDS);
      if (!ended) {
        p.destroyForcibly();
      }
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      System.out.println(out);
      assertTrue(ended, "the browser run did not end in 240 s:\n" + out);
      assertEquals(0, p.exitValue(), "the browser run failed:\n" + out);
      assertTrue(out.contains("every check passed"), out);
    }
    for (String page : List.of("overview.png", "tasks.png", "task.png", "suite.png", "suites.png", "workers.png", "resources.png",
        "task-types.png", "tasks-phone.png", "key-prompt.png")) {
      assertTrue(Files.size(shots.resolve(page)) > 0, page);
    }
  }
}
