package io.tef.worker;

import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.stream.Stream;

/**
 * Loads task handlers from folders of jars (Qworker's --paths): every jar of every folder is on
 * one class path, each {@link TaskHandlerFactory} found there is a task type, and each needs its
 * {@code <task_type>.json} metadata in one of the folders.
 */
public final class HandlerJars {

  /** A task type found in the folders: its handler and its metadata. */
  public record Loaded(String taskType, TaskHandler handler, JsonObject metadata, Path metadataFile) {
  }

  public static List<Loaded> load(Vertx vertx, List<Path> folders) {
    List<URL> jars = new ArrayList<>();
    for (Path dir : folders) {
      if (!Files.isDirectory(dir)) {
        throw new IllegalArgumentException("--paths: " + dir.toAbsolutePath() + " is not a folder");
      }
      try (Stream<Path> files = Files.list(dir)) {
        for (Path f : files.filter(p -> p.toString().endsWith(".jar")).sorted().toList()) {
          jars.add(f.toUri().toURL());
        }
      } catch (IOException e) {
        throw new IllegalArgumentException("--paths: cannot read " + dir.toAbsolutePath() + ": " + e.getMessage());
      }
    }
    if (jars.isEmpty()) {
      return List.of();
    }
    URLClassLoader loader = new URLClassLoader(jars.toArray(URL[]::new), HandlerJars.class.getClassLoader());
    Map<String, Loaded> byType = new LinkedHashMap<>();
    try {
      for (TaskHandlerFactory f : ServiceLoader.load(TaskHandlerFactory.class, loader)) {
        String type = f.taskType();
        if (byType.containsKey(type)) {
          throw new IllegalArgumentException("--paths: task type '" + type + "' is defined by two jars");
        }
        Path meta = metadataFile(folders, type);
        JsonObject metadata = readMetadata(meta);
        byType.put(type, new Loaded(type, f.create(vertx, metadata), metadata, meta));
      }
    } catch (ServiceConfigurationError e) {
      throw new IllegalArgumentException("--paths: a task jar is broken: " + e.getMessage());
    }
    return List.copyOf(byType.values());
  }

  private static Path metadataFile(List<Path> folders, String type) {
    for (Path dir : folders) {
      Path f = dir.resolve(type + ".json");
      if (Files.isRegularFile(f)) {
        return f;
      }
    }
    throw new IllegalArgumentException("--paths: task type '" + type + "' has no metadata file " + type + ".json in " + folders);
  }

  private static JsonObject readMetadata(Path f) {
    try {
      return new JsonObject(Files.readString(f));
    } catch (IOException | DecodeException e) {
      throw new IllegalArgumentException("--paths: " + f + " is not a JSON object: " + e.getMessage());
    }
  }

  private HandlerJars() {
  }
}
