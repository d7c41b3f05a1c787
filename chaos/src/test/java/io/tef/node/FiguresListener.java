package io.tef.node;

import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestPlan;

/** Prints the suite's figures once every test class has run, and writes them to target/chaos-figures.md. */
public final class FiguresListener implements TestExecutionListener {

  @Override
  public void testPlanExecutionFinished(TestPlan testPlan) {
    Figures.write();
  }
}
