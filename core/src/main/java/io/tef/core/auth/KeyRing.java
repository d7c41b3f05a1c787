package io.tef.core.auth;

import io.tef.core.config.ConfigException;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The keys of {@code auth.api_keys}. An entry is a plain key (it holds every role), or an object
 * {@code {name, key | sha256, roles, workers}}; a key given as {@code sha256} (hex of the key's
 * SHA-256) never appears in the configuration at all. Only hashes are kept, and a lookup
 * compares with every key in constant time, so timing tells nothing about any of them.
 */
public final class KeyRing {

  private static final Set<String> FIELDS = Set.of("name", "key", "sha256", "roles", "workers");
  private static final String KEY_RULE = "must be 8 to 200 printable characters without spaces or commas";

  private final List<ApiKey> keys;

  private KeyRing(List<ApiKey> keys) {
    this.keys = List.copyOf(keys);
  }

  /** Reads {@code auth.api_keys}; a {@link ConfigException} names the entry and field at fault. */
  public static KeyRing parse(List<?> entries) {
    if (entries == null) {
      throw new ConfigException("auth.api_keys", "must be a list (empty: no keys)");
    }
    List<ApiKey> keys = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (int i = 0; i < entries.size(); i++) {
      String at = "auth.api_keys[" + i + "]";
      ApiKey key = entries.get(i) instanceof Map<?, ?> m ? described(m, at, i) : plain(entries.get(i), at, i);
      if (!names.add(key.name())) {
        throw new ConfigException(at + ".name", "'" + key.name() + "' names another key too; each key has a name of its own");
      }
      keys.add(key);
    }
    return new KeyRing(keys);
  }

  public boolean isEmpty() {
    return keys.isEmpty();
  }

  public int size() {
    return keys.size();
  }

  /** The key {@code given} is, or null. */
  public ApiKey find(String given) {
    if (given == null || given.isEmpty()) {
      return null;
    }
    byte[] hash = sha256(given);
    ApiKey found = null;
    for (ApiKey k : keys) {
      if (MessageDigest.isEqual(k.sha256(), hash)) {
        found = k;
      }
    }
    return found;
  }

  public static byte[] sha256(String key) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  private static ApiKey plain(Object entry, String at, int i) {
    if (!(entry instanceof String key) || !validKey(key)) {
      throw new ConfigException(at, KEY_RULE + ", or an object {name, key or sha256, roles}"
          + (entry instanceof String s ? ", got one of " + s.length() : ", got " + (entry == null ? "null" : "a " + entry.getClass().getSimpleName())));
    }
    return new ApiKey("key-" + (i + 1), sha256(key), EnumSet.allOf(Role.class), List.of());
  }

  private static ApiKey described(Map<?, ?> m, String at, int i) {
    for (Object field : m.keySet()) {
      if (!FIELDS.contains(String.valueOf(field))) {
        throw new ConfigException(at + "." + field, "is not a key field; known: name, key, sha256, roles, workers");
      }
    }
    Object name = m.containsKey("name") ? m.get("name") : "key-" + (i + 1);
    if (!(name instanceof String n) || !n.matches("[A-Za-z0-9_.:@-]{1,64}")) {
      throw new ConfigException(at + ".name", "must be 1 to 64 characters of A-Z, a-z, 0-9 and _ . : @ -");
    }
    byte[] hash;
    if (m.containsKey("key") == m.containsKey("sha256")) {
      throw new ConfigException(at, "gives the key as key (the key itself) or sha256 (the hex SHA-256 of it): one of them");
    } else if (m.containsKey("key")) {
      if (!(m.get("key") instanceof String k) || !validKey(k)) {
        throw new ConfigException(at + ".key", KEY_RULE);
      }
      hash = sha256(k);
    } else {
      if (!(m.get("sha256") instanceof String h) || !h.matches("[0-9a-fA-F]{64}")) {
        throw new ConfigException(at + ".sha256", "must be 64 hex digits: the SHA-256 of the key (sha256sum prints it)");
      }
      hash = HexFormat.of().parseHex(h);
    }
    EnumSet<Role> roles = EnumSet.noneOf(Role.class);
    if (!(m.get("roles") instanceof List<?> list) || list.isEmpty()) {
      throw new ConfigException(at + ".roles", "must list at least one role of " + Role.names());
    }
    for (Object r : list) {
      Role role = r instanceof String s ? Role.of(s) : null;
      if (role == null) {
        throw new ConfigException(at + ".roles", "'" + r + "' is not a role; one of " + Role.names());
      }
      roles.add(role);
    }
    List<String> workers = new ArrayList<>();
    if (m.get("workers") != null) {
      if (!(m.get("workers") instanceof List<?> ws)) {
        throw new ConfigException(at + ".workers", "must be a list of worker names, * patterns allowed");
      }
      for (Object w : ws) {
        if (!(w instanceof String s) || s.isEmpty() || s.length() > 200) {
          throw new ConfigException(at + ".workers", "must hold worker names of 1 to 200 characters, * patterns allowed");
        }
        workers.add(s);
      }
    }
    return new ApiKey((String) name, hash, roles, workers);
  }

  private static boolean validKey(String key) {
    return key.matches("[\\x21-\\x7e&&[^,]]{8,200}");
  }
}
