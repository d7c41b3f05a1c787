package io.tef.node.cli;

import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.YAMLException;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/** The worker's --config file: YAML or JSON (JSON is YAML), keys as the long option names with _ for -. */
final class WorkerConfigFile {

  private static final Set<String> KEYS = Set.of("id", "tasks", "paths", "ping", "slots", "stop_grace", "cluster", "cluster_host", "standalone", "allow_shell");

  static Map<String, Object> read(Path file) {
    Object doc;
    try (Reader r = Files.newBufferedReader(file)) {
      doc = new Yaml().load(r);
    } catch (IOException e) {
      throw new IllegalArgumentException("--config: cannot read " + file + ": " + e.getMessage());
    } catch (YAMLException e) {
      throw new IllegalArgumentException("--config: " + file + " is not YAML or JSON: " + e.getMessage());
    }
    if (doc == null) {
      return Map.of();
    }
    if (!(doc instanceof Map<?, ?> map)) {
      throw new IllegalArgumentException("--config: " + file + " must hold a mapping of options");
    }
    for (Object k : map.keySet()) {
      if (!KEYS.contains(String.valueOf(k))) {
        throw new IllegalArgumentException("--config: '" + k + "' in " + file + " is not a worker option; options are " + KEYS);
      }
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> options = (Map<String, Object>) map;
    return options;
  }

  private WorkerConfigFile() {
  }
}
