package io.tef.protocol.worker;

/**
 * A filter pattern where {@code *} stands for any run of characters and everything else matches
 * itself. Matched by walking the parts between the stars left to right, each at its first
 * occurrence (no regex, no backtracking): a pattern of many stars costs what one does.
 */
public final class Glob {

  private final String pattern;
  /** The parts between the stars; one part when the pattern has none. Runs of stars are one star. */
  private final String[] parts;

  public Glob(String pattern) {
    this.pattern = pattern.replaceAll("\\*+", "*");
    this.parts = this.pattern.split("\\*", -1);
  }

  public String pattern() {
    return pattern;
  }

  /** Whether the whole value matches; a missing value matches only {@code *}. */
  public boolean matches(String value) {
    if ("*".equals(pattern)) {
      return true;
    }
    if (value == null) {
      return false;
    }
    if (parts.length == 1) {
      return value.equals(pattern);
    }
    String first = parts[0];
    String last = parts[parts.length - 1];
    int end = value.length() - last.length(); // where the last part must start
    if (end < first.length() || !value.startsWith(first) || !value.endsWith(last)) {
      return false;
    }
    int pos = first.length();
    for (int i = 1; i < parts.length - 1; i++) {
      // The first occurrence leaves the most room for the parts after it.
      int at = value.indexOf(parts[i], pos);
      if (at < 0 || at + parts[i].length() > end) {
        return false;
      }
      pos = at + parts[i].length();
    }
    return true;
  }

  @Override
  public String toString() {
    return pattern;
  }
}
