package io.tef.node;

/** Inputs as the figures print them: one line, control and surrogate characters escaped, long ones cut in the middle. */
final class Printable {

  private Printable() {
  }

  static String of(String s, int max) {
    if (s == null) {
      return "null";
    }
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c == 0x7f || Character.isSurrogate(c) && !validPair(s, i) || c == '\u2028' || c == '\u2029' || c == '\ufeff' || c == '\ufffd') {
        b.append(String.format("\\u%04X", (int) c));
      } else if (Character.isHighSurrogate(c)) {
        b.append(c).append(s.charAt(++i));
      } else {
        b.append(c);
      }
    }
    return cut(b.toString(), max);
  }

  static String bytes(byte[] raw, int max) {
    StringBuilder b = new StringBuilder();
    for (byte x : raw) {
      int c = x & 0xff;
      if (c == '\r') {
        b.append("\\r");
      } else if (c == '\n') {
        b.append("\\n");
      } else if (c < 0x20 || c >= 0x7f) {
        b.append(String.format("\\x%02X", c));
      } else {
        b.append((char) c);
      }
    }
    return cut(b.toString(), max);
  }

  static String cut(String s, int max) {
    if (s.length() <= max) {
      return s;
    }
    int keep = Math.max(8, (max - 20) / 2);
    return s.substring(0, keep) + "…(" + s.length() + " chars)…" + s.substring(s.length() - keep);
  }

  private static boolean validPair(String s, int i) {
    char c = s.charAt(i);
    if (Character.isHighSurrogate(c)) {
      return i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
    }
    return false; // a low surrogate reached on its own
  }
}
