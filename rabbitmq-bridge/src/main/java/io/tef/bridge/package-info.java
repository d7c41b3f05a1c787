/**
 * The AMQP door: the TEF wire protocol over RabbitMQ. It translates AMQP messages to the same
 * core messages the REST and event-bus doors use and holds no logic of its own. The queue and
 * exchange names it uses are in {@link io.tef.protocol.AmqpNames}.
 */
package io.tef.bridge;
