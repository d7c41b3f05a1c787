package io.tef.core.task;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The secret of one attempt: 128 random bits sent with the dispatch and nowhere else (REST, events
 * and keeper messages show the task without it). A report counts only with it, so nobody who merely
 * reads a task's guid, attempt and worker (a REST reader, a broker account) can end the task.
 */
public final class AttemptToken {

  private static final SecureRandom RANDOM = new SecureRandom();

  private AttemptToken() {
  }

  public static String next() {
    byte[] b = new byte[16];
    RANDOM.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  /** Whether {@code given} is {@code expected}, in constant time. */
  public static boolean matches(String expected, String given) {
    return expected != null && given != null
        && MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), given.getBytes(StandardCharsets.UTF_8));
  }
}
