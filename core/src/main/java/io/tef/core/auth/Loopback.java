package io.tef.core.auth;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** Whether a listening address keeps a door on this machine. Never asks DNS: a name other than localhost counts as reachable. */
public final class Loopback {

  private Loopback() {
  }

  public static boolean is(String host) {
    if (host == null) {
      return false;
    }
    String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    if (h.equalsIgnoreCase("localhost")) {
      return true;
    }
    if (!h.matches("[0-9.]+|[0-9a-fA-F:]+")) {
      return false;
    }
    try {
      return InetAddress.getByName(h).isLoopbackAddress(); // a literal: parsed, not looked up
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
