package io.tef.worker;

import io.tef.protocol.task.ResultPosition;

import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

/**
 * A keeper's bookkeeping, without I/O so it can be tested alone: results waiting (from the live
 * feed and from catch-up pages, deduplicated), the one being handled, the ones handled, and the
 * checkpoint, the position up to which everything has been handled.
 *
 * <p>Finish times are stamped before the terminal write lands, and writes of different tasks
 * land side by side, so a result can show up (live or in the store) a little after a result
 * stamped later. The checkpoint therefore moves past a handled result only once it was received
 * {@code settleMs} ago and nothing earlier waits; a result that shows up later than that after
 * one stamped after it could be missed after a restart.
 *
 * <p>Not thread-safe: the keeper uses it from its own context only.
 */
final class KeeperQueue {

  private record Waiting(FinishedTask task, long receivedAtMs) {
  }

  private final TreeMap<ResultPosition, Waiting> pending = new TreeMap<>();
  private final TreeMap<ResultPosition, Long> handled = new TreeMap<>();
  private Waiting inFlight;
  private ResultPosition checkpoint;
  /** During catch-up: the newest position read from the store; nothing after it is handed out yet. */
  private ResultPosition cursor;
  private boolean caughtUp;

  /** Starts at a checkpoint (null: before every result), catching up from the store first. */
  KeeperQueue(ResultPosition checkpoint) {
    this.checkpoint = checkpoint;
    this.cursor = checkpoint;
  }

  /** Takes a result unless it is waiting, being handled or was handled already. */
  boolean offer(FinishedTask task, long nowMs) {
    ResultPosition p = task.position();
    if (pending.containsKey(p) || handled.containsKey(p) || (inFlight != null && inFlight.task.position().equals(p))) {
      return false;
    }
    pending.put(p, new Waiting(task, nowMs));
    return true;
  }

  /** A catch-up page was read: everything up to its last result is in. */
  void pageRead(ResultPosition last) {
    if (last != null && (cursor == null || last.isAfter(cursor))) {
      cursor = last;
    }
  }

  /** The store has nothing newer: from now on everything waiting is handed out. */
  void caughtUp() {
    caughtUp = true;
  }

  boolean isCaughtUp() {
    return caughtUp;
  }

  /** Where the next catch-up page starts. */
  ResultPosition cursor() {
    return cursor;
  }

  /** The oldest result to handle now, or null (one is being handled, none waits, or catch-up must read on). */
  FinishedTask next() {
    if (inFlight != null || !firstIsDue()) {
      return null;
    }
    inFlight = pending.pollFirstEntry().getValue();
    return inFlight.task;
  }

  /** True when nothing can be handed out before the next catch-up page is read. */
  boolean needsPage() {
    return !caughtUp && inFlight == null && !firstIsDue();
  }

  /** While catching up, only what lies within the pages read so far is due; later results may still be in the store. */
  private boolean firstIsDue() {
    if (pending.isEmpty()) {
      return false;
    }
    return caughtUp || (cursor != null && !pending.firstKey().isAfter(cursor));
  }

  /** The result being handled is done with (handled, or given up on after its retries). */
  void done() {
    if (inFlight != null) {
      handled.put(inFlight.task.position(), inFlight.receivedAtMs);
      inFlight = null;
    }
  }

  /** The result being handled will not be finished here (the keeper stops): it stays unacknowledged. */
  void dropInFlight() {
    inFlight = null;
  }

  /**
   * Moves the checkpoint over handled results received at least {@code settleMs} ago with
   * nothing earlier still waiting or being handled. True when it moved.
   */
  boolean advance(long nowMs, long settleMs) {
    ResultPosition blocker = pending.isEmpty() ? null : pending.firstKey();
    if (inFlight != null && (blocker == null || blocker.isAfter(inFlight.task.position()))) {
      blocker = inFlight.task.position();
    }
    boolean moved = false;
    for (Iterator<Map.Entry<ResultPosition, Long>> it = handled.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<ResultPosition, Long> e = it.next();
      if ((blocker != null && !blocker.isAfter(e.getKey())) || nowMs - e.getValue() < settleMs) {
        break;
      }
      it.remove();
      if (checkpoint == null || e.getKey().isAfter(checkpoint)) {
        checkpoint = e.getKey();
        moved = true;
      }
    }
    return moved;
  }

  /** How long until every handled result has settled; 0 when none waits. */
  long unsettledMs(long nowMs, long settleMs) {
    long newest = handled.values().stream().mapToLong(Long::longValue).max().orElse(Long.MIN_VALUE);
    return newest == Long.MIN_VALUE ? 0 : Math.max(0, settleMs - (nowMs - newest));
  }

  ResultPosition checkpoint() {
    return checkpoint;
  }

  int waiting() {
    return pending.size();
  }
}
