/**
 * TEF's metrics: one Micrometer registry per node ({@link io.tef.core.metrics.NodeMetrics}),
 * shared by every verticle of that node and by Vert.x's own metrics, served by the gateway at
 * {@code GET /metrics} in Prometheus's text format.
 *
 * <p>Each fact is counted once, by the module that owns it: the dispatcher counts what happens to
 * the tasks it answers for ({@link io.tef.core.metrics.TaskMetrics}), so summing a metric over the
 * nodes of a cluster gives the cluster's figure; the collective counts workers, the store writer
 * its batches ({@link io.tef.core.metrics.StoreMetrics}), the AMQP bridge the broker's traffic
 * ({@link io.tef.core.metrics.AmqpMetrics}). Labels are bounded: task types beyond
 * {@code metrics.max_task_types} share the value {@code other} ({@link io.tef.core.metrics.BoundedLabel});
 * no guid or worker id is ever a label.
 */
package io.tef.core.metrics;
