package io.tef.core.config;

/**
 * Prometheus metrics at {@code GET /metrics}.
 *
 * @param enabled      false: no registry, no Vert.x metrics, {@code /metrics} answers 404
 * @param maxTaskTypes distinct task types that get a label of their own; later ones are counted as {@code other},
 *                     so that a client inventing types cannot grow the series without bound
 * @param refreshMs    how often queue depth, oldest queued age and the workers' gauges are read
 */
public record MetricsSettings(boolean enabled, int maxTaskTypes, long refreshMs) {

  void validate() {
    if (maxTaskTypes < 1 || maxTaskTypes > 10_000) {
      throw new ConfigException("metrics.max_task_types", "must be 1 to 10000, got " + maxTaskTypes);
    }
    if (refreshMs < 100 || refreshMs > 600_000) {
      throw new ConfigException("metrics.refresh_ms", "must be 100 to 600000, got " + refreshMs);
    }
  }
}
