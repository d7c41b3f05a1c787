package io.tef.client;

/** The answer to a submission: the stored task, and whether this submission created it (false: the guid existed). */
public record Submitted(boolean created, TaskView task) {
}
