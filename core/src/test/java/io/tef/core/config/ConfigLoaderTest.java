package io.tef.core.config;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(VertxExtension.class)
class ConfigLoaderTest {

  @TempDir
  Path dir;

  private Map<String, String> env(String yaml) throws IOException {
    Files.writeString(dir.resolve("staging.yaml"), yaml);
    Map<String, String> env = new HashMap<>();
    env.put("TEF_ENV", "staging");
    env.put("TEF_CONFIG", dir.toString());
    return env;
  }

  @Test
  void fileThenEnvironmentThenOverrides(Vertx vertx, VertxTestContext ctx) throws IOException {
    Map<String, String> env = env("http:\n  port: 9000\n  body_limit: 2048\nnode:\n  demo_workers: 1\n");
    env.put("TEF_HTTP_PORT", "9100");
    env.put("TEF_NODE_ROLES", "dispatcher, gateway");
    ConfigLoader.load(vertx, env, Map.of("node.demo_workers", 4)).onComplete(ctx.succeeding(c -> ctx.verify(() -> {
      assertEquals("staging", c.env());
      assertEquals(9100, c.http().port(), "environment variable beats the file");
      assertEquals(2048, c.http().bodyLimit(), "file beats the defaults");
      assertEquals(4, c.node().demoWorkers(), "command line beats the file");
      assertEquals(List.of("dispatcher", "gateway"), c.node().roles());
      assertEquals(600, c.dispatcher().defaultTimeLimit(), "defaults fill the rest");
      assertTrue(c.mongo().embedded());
      ctx.completeNow();
    })));
  }

  @Test
  void unknownKeyIsNamed(Vertx vertx, VertxTestContext ctx) throws IOException {
    ConfigLoader.load(vertx, env("http:\n  prot: 9000\n"), Map.of()).onComplete(ctx.failing(err -> ctx.verify(() -> {
      ConfigException e = assertInstanceOf(ConfigException.class, err);
      assertEquals("http.prot", e.key());
      assertTrue(e.getMessage().contains("not a known key"), e.getMessage());
      assertTrue(e.getMessage().contains("port"), "lists the known keys: " + e.getMessage());
      ctx.completeNow();
    })));
  }

  @Test
  void wrongTypeIsNamed(Vertx vertx, VertxTestContext ctx) throws IOException {
    ConfigLoader.load(vertx, env("http:\n  port: lots\n"), Map.of()).onComplete(ctx.failing(err -> ctx.verify(() -> {
      ConfigException e = assertInstanceOf(ConfigException.class, err);
      assertEquals("http.port", e.key());
      assertTrue(e.getMessage().contains("lots"), e.getMessage());
      ctx.completeNow();
    })));
  }

  @Test
  void badValueIsNamed(Vertx vertx, VertxTestContext ctx) throws IOException {
    Map<String, String> env = env("collective:\n  ping_interval_ms: 1000\n");
    env.put("TEF_HTTP_PORT", "70000");
    ConfigLoader.load(vertx, env, Map.of()).onComplete(ctx.failing(err -> ctx.verify(() -> {
      assertEquals("http.port", assertInstanceOf(ConfigException.class, err).key());
      assertTrue(err.getMessage().contains("70000"), err.getMessage());
      ctx.completeNow();
    })));
  }

  @Test
  void unknownRoleIsNamed(Vertx vertx, VertxTestContext ctx) throws IOException {
    ConfigLoader.load(vertx, env(""), Map.of("node.roles", List.of("dispatcher", "cook"))).onComplete(ctx.failing(err -> ctx.verify(() -> {
      assertEquals("node.roles", assertInstanceOf(ConfigException.class, err).key());
      assertTrue(err.getMessage().contains("cook"), err.getMessage());
      ctx.completeNow();
    })));
  }

  @Test
  void brokenYamlNamesTheFile(Vertx vertx, VertxTestContext ctx) throws IOException {
    ConfigLoader.load(vertx, env("http: [port: 1\n"), Map.of()).onComplete(ctx.failing(err -> ctx.verify(() -> {
      assertTrue(assertInstanceOf(ConfigException.class, err).key().endsWith("staging.yaml"), err.getMessage());
      ctx.completeNow();
    })));
  }

  @Test
  void missingEnvironmentFileIsNamed(Vertx vertx, VertxTestContext ctx) {
    Map<String, String> env = Map.of("TEF_ENV", "nowhere", "TEF_CONFIG", dir.toString());
    ConfigLoader.load(vertx, env, Map.of()).onComplete(ctx.failing(err -> ctx.verify(() -> {
      assertEquals("TEF_ENV", assertInstanceOf(ConfigException.class, err).key());
      assertTrue(err.getMessage().contains("nowhere.yaml"), err.getMessage());
      ctx.completeNow();
    })));
  }

  @Test
  void configSurvivesTheTripToVerticles(Vertx vertx, VertxTestContext ctx) throws IOException {
    ConfigLoader.load(vertx, env(""), Map.of()).onComplete(ctx.succeeding(c -> ctx.verify(() -> {
      assertEquals(c, ConfigLoader.fromJson(ConfigLoader.toJson(c)));
      ctx.completeNow();
    })));
  }

  @Test
  void apiKeysComeFromTefApiKeysAndAreChecked(Vertx vertx, VertxTestContext ctx) throws IOException {
    Map<String, String> env = env("auth:\n  api_keys: [from-the-file-1]\n");
    env.put("TEF_API_KEYS", "first-key-123, second-key-456");
    ConfigLoader.load(vertx, env, Map.of()).compose(c -> {
      ctx.verify(() -> assertEquals(List.of("first-key-123", "second-key-456"), c.auth().apiKeys(), "TEF_API_KEYS beats the file"));
      Map<String, String> both = new HashMap<>(env);
      both.put("TEF_AUTH_API_KEYS", "long-name-wins-1");
      return ConfigLoader.load(vertx, both, Map.of());
    }).compose(c -> {
      ctx.verify(() -> assertEquals(List.of("long-name-wins-1"), c.auth().apiKeys()));
      return ConfigLoader.load(vertx, Map.of("TEF_ENV", "staging", "TEF_CONFIG", dir.toString(), "TEF_API_KEYS", "short"), Map.of());
    }).onComplete(ctx.failing(err -> ctx.verify(() -> {
      ConfigException e = assertInstanceOf(ConfigException.class, err);
      assertEquals("auth.api_keys[0]", e.key());
      assertTrue(e.getMessage().contains("8 to 200"), e.getMessage());
      ctx.completeNow();
    })));
  }
}
