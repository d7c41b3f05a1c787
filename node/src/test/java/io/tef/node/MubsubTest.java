package io.tef.node;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * npm's mubsub 1.4.0, the pub/sub of Qworker's workers, on a node's embedded store: it creates its
 * channel as a capped collection and a subscriber hears what another client publishes, through a
 * tailable awaitData cursor ({@code src/test/js/mubsub-roundtrip.cjs}); TEF's {@code MubsubChannel}
 * hears them as well and its answer reaches the npm client. Node.js and npm must be
 * installed; the package goes into node/target/js-mubsub.
 */
class MubsubTest {

  @TempDir
  Path dataDir;

  @Test
  @Timeout(180)
  void mubsubPublishesAndSubscribesOnTheEmbeddedStore() throws Exception {
    Path folder = Path.of("target", "js-mubsub").toAbsolutePath();
    JsClients.install(folder, "mubsub@1.4.0");
    Path script = folder.resolve("mubsub-roundtrip.cjs");
    Files.copy(Path.of("src", "test", "js", "mubsub-roundtrip.cjs"), script, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    try (TefNode node = TestNodes.start(dataDir, Map.of())) {
      String url = node.config().mongo().connectionString() + "/" + node.config().mongo().database();
      io.vertx.ext.mongo.MongoClient client = io.vertx.ext.mongo.MongoClient.create(node.vertx(), new io.vertx.core.json.JsonObject()
          .put("connection_string", node.config().mongo().connectionString()).put("db_name", node.config().mongo().database()));
      io.tef.core.mubsub.MubsubChannel channel = TestNodes.await(io.tef.core.mubsub.MubsubChannel.open(node.vertx(), client, "tef-mubsub", 100_000));
      java.util.List<String> heard = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
      TestNodes.await(channel.subscribe((event, message) -> {
        heard.add(event);
        if (event.equals("to-java")) {
          channel.publish("from-java", new io.vertx.core.json.JsonObject().put("answer", "heard you"));
        }
      }));
      Process p = new ProcessBuilder("node", script.toString(), url).directory(folder.toFile()).redirectErrorStream(true).start();
      boolean ended = p.waitFor(60, TimeUnit.SECONDS);
      if (!ended) {
        p.destroyForcibly();
      }
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(ended, "mubsub did not finish in 60 s:\n" + out);
      assertEquals(0, p.exitValue(), out);
      assertTrue(out.contains("3 messages in order on a capped channel"), out);
      assertTrue(out.contains("TEF answered"), out);
      assertEquals(java.util.List.of("hello", "hello", "hello", "to-java", "from-java"), heard, "TEF's channel heard npm mubsub's messages, in order");
      channel.close();
      client.close();
    }
  }
}
