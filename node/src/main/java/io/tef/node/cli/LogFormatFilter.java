package io.tef.node.cli;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.filter.Filter;
import ch.qos.logback.core.spi.FilterReply;

/**
 * Lets a line through the appender of the chosen format only ({@value LogSetup#FORMAT_PROPERTY},
 * text by default): conf/logback.xml names both appenders, so neither is an unreferenced one that
 * logback warns about at every start.
 */
public final class LogFormatFilter extends Filter<ILoggingEvent> {

  private String format = "text";

  public void setFormat(String format) {
    this.format = format;
  }

  @Override
  public FilterReply decide(ILoggingEvent event) {
    return format.equals(System.getProperty(LogSetup.FORMAT_PROPERTY, "text")) ? FilterReply.NEUTRAL : FilterReply.DENY;
  }
}
