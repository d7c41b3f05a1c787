package io.tef.core.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The AMQP bridge: {@code tef_amqp_connected} (1 up, 0 down), {@code tef_amqp_publishes_total{outcome}}
 * (confirmed, unconfirmed: sent but its fate unknown, refused: nacked or failed),
 * {@code tef_amqp_dead_letters_total}, {@code tef_amqp_reconnects_total}.
 */
public final class AmqpMetrics {

  private final MeterRegistry registry;
  private final AtomicInteger connected = new AtomicInteger();
  private final Counter deadLetters;
  private final Counter reconnects;

  AmqpMetrics(MeterRegistry registry) {
    this.registry = registry;
    Gauge.builder("tef_amqp_connected", connected, AtomicInteger::get).description("1 while the bridge is connected to the broker").register(registry);
    deadLetters = Counter.builder("tef_amqp_dead_letters").description("Messages the bridge could not handle, sent to the dead-letter queue").register(registry);
    reconnects = Counter.builder("tef_amqp_reconnects").description("Connections to the broker made again after one was lost").register(registry);
  }

  public void connected(boolean up) {
    connected.set(up ? 1 : 0);
  }

  public void reconnected() {
    reconnects.increment();
  }

  /** {@code outcome}: confirmed, unconfirmed or refused. */
  public void published(String outcome) {
    Counter.builder("tef_amqp_publishes").description("Messages the bridge published, by what the broker said")
        .tag("outcome", outcome).register(registry).increment();
  }

  public void deadLettered() {
    deadLetters.increment();
  }
}
