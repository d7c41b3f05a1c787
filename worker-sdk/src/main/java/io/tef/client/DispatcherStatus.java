package io.tef.client;

import io.tef.protocol.DispatcherState;

/** What the dispatcher answering says of itself: its state and what it holds. */
public record DispatcherStatus(DispatcherState state, long live, long queued, long waiting, long workers) {
}
