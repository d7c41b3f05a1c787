package io.tef.bench;

import java.util.List;
import java.util.Locale;

/** The table the bench prints; its last line is the one figure to quote. */
record Report(int tasks, int workers, int inFlight, Submitter.Door via, String storeName, int queued, double submitSeconds,
              double totalSeconds, int failures, List<Double> latenciesMs, double heapMiB,
              StoreProbe.Rates store, String mode, String cpu, int idleHints) {

  static void print(Report r) {
    System.out.println();
    System.out.printf(Locale.ROOT, "TEF bench: %d no-op tasks, %d workers, %d in flight, submitted via %s, store %s, %d other tasks queued%n",
        r.tasks, r.workers, r.inFlight, r.via.name().toLowerCase(Locale.ROOT), r.storeName, r.queued);
    System.out.println(r.mode);
    System.out.println("| measure                       | value      |");
    System.out.println("|-------------------------------|------------|");
    row("all submitted (s)", r.submitSeconds);
    row("submit rate (tasks/s)", r.tasks / r.submitSeconds);
    row("all completed (s)", r.totalSeconds);
    row("throughput (tasks/s)", r.tasks / r.totalSeconds);
    row("submit-to-start p50 (ms)", r.percentile(50));
    row("submit-to-start p90 (ms)", r.percentile(90));
    row("submit-to-start p99 (ms)", r.percentile(99));
    row("submit-to-start max (ms)", r.percentile(100));
    row("failed submissions", r.failures);
    row("idle hints (busy refusals)", r.idleHints);
    row("heap used after GC (MiB)", r.heapMiB);
    row("store alone: inserts/s", r.store.insertsPerSecond());
    row("store alone: replaces/s", r.store.replacesPerSecond());
    // A task that ends within dispatcher.start_write_delay_ms costs one insert and one replace
    // (its end); this is the task rate the store alone allows.
    double ceiling = 1 / (1 / r.store.insertsPerSecond() + 1 / r.store.replacesPerSecond());
    row("store ceiling (tasks/s)", ceiling);
    row("share of ceiling reached (%)", 100 * (r.tasks / r.totalSeconds) / ceiling);
    System.out.println(r.cpu);
    System.out.printf(Locale.ROOT, "tasks/s: %.0f  submit-to-start p50 ms: %.1f  p99 ms: %.1f%n",
        r.tasks / r.totalSeconds, r.percentile(50), r.percentile(99));
  }

  private static void row(String name, double value) {
    System.out.printf(Locale.ROOT, "| %-29s | %10.1f |%n", name, value);
  }

  double percentile(double p) {
    if (latenciesMs.isEmpty()) {
      return Double.NaN;
    }
    int index = (int) Math.ceil(p / 100.0 * latenciesMs.size()) - 1;
    return latenciesMs.get(Math.max(0, Math.min(index, latenciesMs.size() - 1)));
  }
}
