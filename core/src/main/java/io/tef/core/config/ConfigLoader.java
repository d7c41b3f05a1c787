package io.tef.core.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.vertx.config.ConfigRetriever;
import io.vertx.config.ConfigRetrieverOptions;
import io.vertx.config.ConfigStoreOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Reads the configuration, lowest precedence first: the built-in defaults
 * ({@code tef-defaults.yaml}), the environment's file {@code <folder>/<TEF_ENV>.yaml}, environment
 * variables ({@code TEF_HTTP_PORT} overrides {@code http.port}), then command-line overrides.
 * The folder is TEF_CONFIG, else {@code ./conf} when it holds the file, else the copy in the jar.
 * YAML is read by vertx-config; the result is bound to {@link TefConfig} by Jackson, which refuses
 * unknown keys and values of the wrong type, and then checked by {@link TefConfig#validate()}.
 */
public final class ConfigLoader {

  public static final String DEFAULTS = "tef-defaults.yaml";
  /** Keys an earlier TEF knew under another name: the error names the new one. */
  private static final Map<String, String> RENAMED = Map.of("amqp.keepers_enabled", "amqp.keepers");
  private static final ObjectMapper MAPPER = new ObjectMapper()
      .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

  private ConfigLoader() {
  }

  /**
   * @param environment the process environment (TEF_ENV, TEF_CONFIG and TEF_* key overrides)
   * @param overrides   dotted keys to values, from the command line; they win over everything
   */
  public static Future<TefConfig> load(Vertx vertx, Map<String, String> environment, Map<String, Object> overrides) {
    String env;
    String envFile;
    try {
      env = environment.getOrDefault("TEF_ENV", "dev").trim().toLowerCase(Locale.ROOT);
      envFile = environmentFile(env, environment.get("TEF_CONFIG"));
    } catch (ConfigException e) {
      return Future.failedFuture(e);
    }
    ConfigRetrieverOptions options = new ConfigRetrieverOptions()
        .setIncludeDefaultStores(false)
        .addStore(yaml(DEFAULTS))
        .addStore(yaml(envFile));
    ConfigRetriever retriever = ConfigRetriever.create(vertx, options);
    return retriever.getConfig()
        .eventually(retriever::close)
        .recover(err -> Future.failedFuture(new ConfigException(envFile, "cannot be read: " + rootMessage(err), err)))
        .map(merged -> bind(merged, env, envFile, environment, overrides));
  }

  /**
   * {@link #load} for a launcher's main thread: a short-lived Vert.x reads the files, and a
   * {@link ConfigException} comes out as itself.
   */
  public static TefConfig loadBlocking(Map<String, String> environment, Map<String, Object> overrides) throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      return load(vertx, environment, overrides).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof ConfigException ce) {
        throw ce;
      }
      throw e;
    } finally {
      vertx.close();
    }
  }

  /** Binds already-merged configuration JSON; the last step of {@link #load}, usable on its own. */
  public static TefConfig bind(JsonObject merged, String env, String source, Map<String, String> environment,
                               Map<String, Object> overrides) {
    JsonObject json = merged.copy();
    applyEnvironment(json, environment, env);
    // Command-line values come as text: read each for its key, as the environment's are.
    overrides.forEach((key, value) -> put(json, key, value instanceof String text ? ConfigText.read(key, get(json, key), text) : value));
    json.put("env", env);
    if (get(json, "node.name") instanceof String name && name.isBlank()) {
      put(json, "node.name", defaultNodeName(environment));
    }
    try {
      return MAPPER.readValue(json.encode(), TefConfig.class).validate();
    } catch (JsonProcessingException e) {
      throw explain(e, json, source);
    }
  }

  /** The configuration as JSON, as verticles receive it in their deployment options. */
  public static JsonObject toJson(TefConfig config) {
    try {
      return new JsonObject(MAPPER.writeValueAsString(config));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("configuration cannot be written as JSON", e);
    }
  }

  /** Back from {@link #toJson}; a verticle's first step. */
  public static TefConfig fromJson(JsonObject json) {
    try {
      return MAPPER.readValue(json.encode(), TefConfig.class).validate();
    } catch (JsonProcessingException e) {
      throw explain(e, json, "deployment config");
    }
  }

  private static String defaultNodeName(Map<String, String> environment) {
    String host = environment.getOrDefault("HOSTNAME", "node");
    return host + "-" + ProcessHandle.current().pid();
  }

  private static String environmentFile(String env, String configDir) {
    String name = env + ".yaml";
    if (configDir != null && !configDir.isBlank()) {
      Path dir = Path.of(configDir);
      if (!Files.isDirectory(dir)) {
        throw new ConfigException("TEF_CONFIG", "names " + dir.toAbsolutePath() + ", which is not a folder");
      }
      Path file = dir.resolve(name);
      if (!Files.isRegularFile(file)) {
        throw new ConfigException("TEF_ENV", "is '" + env + "' but there is no " + file.toAbsolutePath());
      }
      return file.toAbsolutePath().toString();
    }
    Path local = Path.of("conf", name);
    if (Files.isRegularFile(local)) {
      return local.toAbsolutePath().toString();
    }
    if (ConfigLoader.class.getClassLoader().getResource("conf/" + name) == null) {
      throw new ConfigException("TEF_ENV", "is '" + env + "' but there is no conf/" + name + " (set TEF_CONFIG to the folder that holds it)");
    }
    return "conf/" + name;
  }

  private static ConfigStoreOptions yaml(String path) {
    return new ConfigStoreOptions().setType("file").setFormat("yaml").setConfig(new JsonObject().put("path", path));
  }

  /**
   * Every leaf key of the configuration can be set by TEF_<KEY> with dots as underscores, and so
   * can the free-form maps ({@code TEF_RESOURCES='{db: {limit: 1}}'}), read as {@link ConfigText} reads them.
   */
  private static void applyEnvironment(JsonObject json, Map<String, String> environment, String env) {
    for (String key : leafKeys(json, "")) {
      String var = "TEF_" + key.replace('.', '_').toUpperCase(Locale.ROOT);
      String value = environment.get(var);
      if (value != null) {
        put(json, key, ConfigText.read(key, get(json, key), value));
      }
    }
    // TEF_API_KEYS is the documented short name of TEF_AUTH_API_KEYS; the long one wins if both are set.
    String apiKeys = environment.get("TEF_API_KEYS");
    if (apiKeys != null && environment.get("TEF_AUTH_API_KEYS") == null) {
      put(json, "auth.api_keys", ConfigText.read("auth.api_keys", new JsonArray(), apiKeys));
    }
    // TEF's own variables name the environment: TEF_AMQP_URL_DEV, TEF_AMQP_USER_DEV, TEF_AMQP_PASSWORD_DEV.
    // The plain TEF_AMQP_* (the seed README's name) wins when both are set.
    String suffix = "_" + env.toUpperCase(Locale.ROOT).replace('-', '_');
    for (String key : List.of("url", "user", "password")) {
      String plain = "TEF_AMQP_" + key.toUpperCase(Locale.ROOT);
      String perEnv = environment.get(plain + suffix);
      if (perEnv != null && environment.get(plain) == null) {
        put(json, "amqp." + key, perEnv);
      }
    }
  }

  private static List<String> leafKeys(JsonObject json, String prefix) {
    List<String> keys = new ArrayList<>();
    for (String k : json.fieldNames()) {
      Object v = json.getValue(k);
      if (v instanceof JsonObject o && !(prefix.isEmpty() && ConfigText.FREE_MAPS.contains(k))) {
        keys.addAll(leafKeys(o, prefix + k + "."));
      } else {
        keys.add(prefix + k);
      }
    }
    return keys;
  }

  private static Object get(JsonObject json, String dotted) {
    Object cur = json;
    for (String part : dotted.split("\\.")) {
      if (!(cur instanceof JsonObject o)) {
        return null;
      }
      cur = o.getValue(part);
    }
    return cur;
  }

  private static void put(JsonObject json, String dotted, Object value) {
    String[] parts = dotted.split("\\.");
    JsonObject cur = json;
    for (int i = 0; i < parts.length - 1; i++) {
      Object next = cur.getValue(parts[i]);
      if (!(next instanceof JsonObject)) {
        next = new JsonObject();
        cur.put(parts[i], next);
      }
      cur = (JsonObject) next;
    }
    cur.put(parts[parts.length - 1], value instanceof List<?> l ? new JsonArray(new ArrayList<>(l)) : value);
  }

  private static ConfigException explain(JsonProcessingException e, JsonObject json, String source) {
    if (!(e instanceof JsonMappingException jme)) {
      return new ConfigException(source, rootMessage(e), e);
    }
    String key = jme.getPath().stream()
        .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
        .collect(Collectors.joining(".")).replace(".[", "[");
    if (jme instanceof UnrecognizedPropertyException && RENAMED.containsKey(key)) {
      return new ConfigException(key, "was renamed " + RENAMED.get(key) + " (from " + source + ", TEF_* variables or the command line)", e);
    }
    if (jme instanceof UnrecognizedPropertyException u) {
      String known = u.getKnownPropertyIds() == null ? "" : "; known keys here: "
          + u.getKnownPropertyIds().stream().map(String::valueOf).sorted().collect(Collectors.joining(", "));
      return new ConfigException(key, "is not a known key (from " + source + ", TEF_* variables or the command line)" + known, e);
    }
    return new ConfigException(key, "has a value of the wrong type: " + get(json, key) + " (" + jme.getOriginalMessage().split("\n")[0] + ")", e);
  }

  private static String rootMessage(Throwable t) {
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.toString() : t.getMessage();
  }
}
