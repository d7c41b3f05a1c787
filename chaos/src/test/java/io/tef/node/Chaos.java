package io.tef.node;

/**
 * The suite's knobs, all system properties (mvn passes -D to the test JVM):
 * <ul>
 *   <li>{@code tef.chaos.long=true}: the long run (20 x the inputs, 10 x the kill rounds, unless set below)</li>
 *   <li>{@code tef.chaos.inputs=N}: generated inputs per door (default 400 bounded)</li>
 *   <li>{@code tef.chaos.rounds=N}: kill -9 / restart rounds per chaos test (default 5 for workers, 2 for the node, 1 for the broker)</li>
 *   <li>{@code tef.chaos.seed=S}: the seed of the generated inputs (default: new each run, printed with the figures)</li>
 *   <li>{@code tef.chaos.timeout_ms=T}: how long an answer may take before it counts as unanswered (default 5000)</li>
 * </ul>
 */
final class Chaos {

  static final boolean LONG = Boolean.getBoolean("tef.chaos.long");
  static final long SEED = Long.getLong("tef.chaos.seed", System.currentTimeMillis() % 1_000_000_007L);
  static final long ANSWER_TIMEOUT_MS = Long.getLong("tef.chaos.timeout_ms", 5000);

  private Chaos() {
  }

  /** Generated inputs for a door whose bounded share is {@code bounded} (inputs scale with tef.chaos.inputs / 400). */
  static int inputs(int bounded) {
    Integer set = Integer.getInteger("tef.chaos.inputs");
    if (set != null) {
      return Math.max(1, (int) ((long) bounded * set / 400));
    }
    return LONG ? bounded * 20 : bounded;
  }

  static int rounds(int bounded) {
    Integer set = Integer.getInteger("tef.chaos.rounds");
    if (set != null) {
      return Math.max(1, set);
    }
    return LONG ? bounded * 10 : bounded;
  }

  static String mode() {
    return (LONG ? "long" : "bounded") + ", seed " + SEED + " (-Dtef.chaos.seed=" + SEED + " replays the inputs)";
  }
}
