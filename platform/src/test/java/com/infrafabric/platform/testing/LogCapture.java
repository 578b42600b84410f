package com.infrafabric.platform.testing;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import java.util.stream.Collectors;
import org.slf4j.LoggerFactory;

/**
 * Records every log event (down to DEBUG) while open, so a test can prove what reached the logs,
 * and what never did.
 *
 * <pre>{@code
 * try (LogCapture logs = LogCapture.start()) { ...; assertThat(logs.text()).doesNotContain(token); }
 * }</pre>
 */
public final class LogCapture implements AutoCloseable {

  private final Logger root;
  private final Level previousLevel;
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

  private LogCapture() {
    root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    previousLevel = root.getLevel();
    appender.setContext(root.getLoggerContext());
    appender.start();
    root.addAppender(appender);
    root.setLevel(Level.DEBUG);
  }

  public static LogCapture start() {
    return new LogCapture();
  }

  public List<ILoggingEvent> events() {
    synchronized (appender) {
      return List.copyOf(appender.list);
    }
  }

  /** Events from one logger, e.g. {@code infrafabric.access}. */
  public List<ILoggingEvent> events(String loggerName) {
    return events().stream().filter(e -> e.getLoggerName().equals(loggerName)).toList();
  }

  /** Everything logged, as text: messages, arguments, key-value pairs and stack traces. */
  public String text() {
    return events().stream().map(LogCapture::render).collect(Collectors.joining("\n"));
  }

  private static String render(ILoggingEvent event) {
    StringBuilder line = new StringBuilder(event.getFormattedMessage());
    if (event.getKeyValuePairs() != null) {
      event
          .getKeyValuePairs()
          .forEach(kv -> line.append(' ').append(kv.key).append('=').append(kv.value));
    }
    if (event.getThrowableProxy() != null) {
      line.append('\n').append(ThrowableProxyUtil.asString(event.getThrowableProxy()));
    }
    return line.toString();
  }

  @Override
  public void close() {
    root.detachAppender(appender);
    root.setLevel(previousLevel);
    appender.stop();
  }
}
