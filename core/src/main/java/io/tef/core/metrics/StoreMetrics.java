package io.tef.core.metrics;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.util.concurrent.TimeUnit;

/**
 * The dispatcher's task writes: {@code tef_store_write_seconds} (a batch sent to its answer) and
 * {@code tef_store_batch_size} (task writes per batch), both histograms.
 */
public final class StoreMetrics {

  private final Timer writes;
  private final DistributionSummary batches;

  StoreMetrics(MeterRegistry registry) {
    writes = Timer.builder("tef_store_write").description("Task write batches, from sending to the store's answer")
        .serviceLevelObjectives(NodeMetrics.seconds(0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5)).register(registry);
    batches = DistributionSummary.builder("tef_store_batch_size").description("Task writes sent to the store in one batch")
        .serviceLevelObjectives(1, 2, 5, 10, 25, 50, 100, 250, 500, 1000).register(registry);
  }

  public void batch(int size, long nanos) {
    batches.record(size);
    writes.record(nanos, TimeUnit.NANOSECONDS);
  }
}
