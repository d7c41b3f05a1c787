package io.tef.core.config;

/** A configuration that cannot be used, naming the key at fault. The node stops with it at start. */
public class ConfigException extends RuntimeException {

  private final String key;

  public ConfigException(String key, String problem) {
    super("configuration error: " + key + " " + problem);
    this.key = key;
  }

  public ConfigException(String key, String problem, Throwable cause) {
    super("configuration error: " + key + " " + problem, cause);
    this.key = key;
  }

  public String key() {
    return key;
  }
}
