package io.tef.protocol;

import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;

/**
 * Why a worker turned a task assignment away (failure code 409, the reason's word first in the
 * message). The dispatcher acts on the reason: a busy worker keeps its place and is tried again
 * when it says it is idle; a stopping one is dropped, the task keeps its place; any other
 * refusal drops the worker.
 */
public enum Refusal {
  /** It runs another dispatcher's task (or its link is away for a moment). */
  BUSY("busy"),
  /** It is on its way out (a graceful stop): it takes nothing more. */
  STOPPING("stopping"),
  /** It has no handler for the task's type. */
  NO_HANDLER("no handler");

  public static final int CODE = 409;

  private final String word;

  Refusal(String word) {
    this.word = word;
  }

  /** Answers the assignment with this refusal; {@code detail} follows the reason's word. */
  public void fail(Message<?> assignment, String detail) {
    assignment.fail(CODE, detail == null || detail.isEmpty() ? word : word + (detail.startsWith(":") ? "" : " ") + detail);
  }

  /** The refusal a failed assignment carries, or null when it failed another way (no answer, an error). */
  public static Refusal of(Throwable err) {
    if (err instanceof ReplyException re && re.failureCode() == CODE && re.getMessage() != null) {
      for (Refusal r : values()) {
        if (re.getMessage().startsWith(r.word)) {
          return r;
        }
      }
    }
    return null;
  }
}
