/**
 * TEF's contracts: what every door (REST, AMQP, the event bus), every verticle, every worker and
 * every client agree on, and nothing else.
 *
 * <ul>
 *   <li>{@link io.tef.protocol.Addresses}: every event-bus address; {@link io.tef.protocol.AmqpNames}:
 *       every AMQP exchange, queue and header of the TEF wire protocol.</li>
 *   <li>{@link io.tef.protocol.task}: the task envelope and its one parse, task states, schedules.</li>
 *   <li>{@link io.tef.protocol.worker}: the messages a worker sends and receives (status,
 *       registration, presence, reports, result queries).</li>
 *   <li>{@link io.tef.protocol.Assignment} (dispatch and abandon), {@link io.tef.protocol.Refusal}
 *       (why a worker turned one away), {@link io.tef.protocol.DispatcherControl} and
 *       {@link io.tef.protocol.CollectiveControl} (the control message types, listed once).</li>
 *   <li>{@link io.tef.protocol.json}: the strict JSON reader and the limits every door applies.</li>
 * </ul>
 *
 * <p>This module depends on vertx-core (and cron-utils for schedules) only: a worker jar built on
 * it carries no store, no cluster manager and no configuration loader. A new message type gets a
 * record here before any door sends it.
 */
package io.tef.protocol;
