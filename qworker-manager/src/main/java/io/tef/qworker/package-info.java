/**
 * The Qworker manager door: TEF as the central manager Qworker's workers expect.
 *
 * <p>Workers run Agenda 0.7 on the node's store and talk to the manager over mubsub (a capped
 * collection read with tailable cursors, {@link io.tef.core.mubsub.MubsubChannel}). A worker's
 * {@code worker:initialize} is a registration ({@link Admission}): the registry checks its id is
 * not held by another live worker and its task ids are defined, and the answer is
 * {@code <pid>/start} (the job collection, the tasks' metadata, the ping interval) or
 * {@code <pid>/terminate} with the reason. Its pings are its heartbeats ({@link Roster}). A task
 * dispatched to it becomes one Agenda job in its own collection ({@link JobDispatch}), fenced by
 * the attempt; its notifications become the task's progress, logs and ending
 * ({@link JobNotifications}); {@code schedule:task} is a submission ({@link SubTasks});
 * {@code manager:start} / {@code manager:stop} follow the dispatcher's state ({@link ManagerState}).
 */
package io.tef.qworker;
