package io.tef.client;

import io.tef.protocol.task.TaskState;

import java.util.List;

/**
 * The answer to a bulk submission, item by item in the order sent: accepted (stored now, or
 * before when {@code created} is false) with its guid and state, or refused alone by {@code refusal}.
 */
public record BulkResult(int accepted, int created, int refused, List<Item> items) {

  public record Item(int index, boolean created, String guid, TaskState state, TefException refusal) {

    public boolean accepted() {
      return refusal == null;
    }
  }
}
