package io.tef.core.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A value given as text ({@code --set key=value}, a {@code TEF_*} variable) read for the key it
 * sets, the same way for both: a list key takes {@code a,b} or YAML's {@code [a, b]}; a map key
 * (a section, {@code resources}, {@code task_types}) takes a YAML flow map {@code {db: {limit: 1}}},
 * merged into what is there; a key inside {@code resources} or {@code task_types} is read as a
 * YAML scalar (so {@code 1} is a number); any other key keeps its text, which the binder converts
 * to the key's type or refuses naming the key.
 */
final class ConfigText {

  /** The top-level keys whose values are free-form maps (their keys are names, not configuration keys). */
  static final Set<String> FREE_MAPS = freeMaps();

  /** The value at {@code key} once {@code text} is read for it; {@code current} is what the key holds now. */
  static Object read(String key, Object current, String text) {
    String t = text.trim();
    if (current instanceof JsonArray) {
      return list(key, t);
    }
    if (current instanceof JsonObject o) {
      return o.copy().mergeIn(map(key, t), true);
    }
    if (insideFreeMap(key)) {
      return scalarOrFlow(key, t, text);
    }
    return text;
  }

  /** {@code [a, b]} as YAML, else {@code a,b} split on commas; empty: no element. */
  private static JsonArray list(String key, String t) {
    if (t.startsWith("[")) {
      Object v = yaml(key, t, "a list such as [a, b] or a,b");
      if (!(v instanceof List<?> l)) {
        throw new ConfigException(key, "must be a list such as [a, b] or a,b, got '" + t + "'");
      }
      return new JsonArray(new ArrayList<>(l));
    }
    return new JsonArray(new ArrayList<>(Arrays.stream(t.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList()));
  }

  private static JsonObject map(String key, String t) {
    Object v = t.isEmpty() ? Map.of() : yaml(key, t, "a map such as {name: {key: value}}");
    if (!(v instanceof Map<?, ?> m)) {
      throw new ConfigException(key, "must be a map such as {name: {key: value}}, got '" + t + "'");
    }
    return new JsonObject(castMap(m));
  }

  /** Inside a free map: a flow list or map as YAML, a number or boolean as such, anything else as the text. */
  private static Object scalarOrFlow(String key, String t, String text) {
    if (t.startsWith("[") || t.startsWith("{")) {
      Object v = yaml(key, t, "YAML (a flow list [a, b] or map {k: v})");
      return v instanceof Map<?, ?> m ? new JsonObject(castMap(m)) : v instanceof List<?> l ? new JsonArray(new ArrayList<>(l)) : v;
    }
    try {
      Object v = parser().load(t);
      return v instanceof Number || v instanceof Boolean ? v : text;
    } catch (YAMLException e) {
      return text;
    }
  }

  private static boolean insideFreeMap(String key) {
    int dot = key.indexOf('.');
    return dot > 0 && FREE_MAPS.contains(key.substring(0, dot));
  }

  private static Object yaml(String key, String t, String expected) {
    try {
      return parser().load(t);
    } catch (YAMLException e) {
      throw new ConfigException(key, "must be " + expected + ", got '" + t + "' (" + e.getMessage().split("\n")[0] + ")");
    }
  }

  private static Yaml parser() {
    return new Yaml(new SafeConstructor(new LoaderOptions()));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> castMap(Map<?, ?> m) {
    return (Map<String, Object>) m;
  }

  private static Set<String> freeMaps() {
    Set<String> keys = new LinkedHashSet<>();
    for (RecordComponent c : TefConfig.class.getRecordComponents()) {
      if (Map.class.isAssignableFrom(c.getType()) && c.getGenericType() instanceof ParameterizedType) {
        keys.add(c.getName().replaceAll("([A-Z])", "_$1").toLowerCase(java.util.Locale.ROOT));
      }
    }
    return Set.copyOf(keys);
  }

  private ConfigText() {
  }
}
