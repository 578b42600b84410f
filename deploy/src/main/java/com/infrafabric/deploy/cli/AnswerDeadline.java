package com.infrafabric.deploy.cli;

import java.time.Duration;

/**
 * How long a command waits for a service's answer to one request: a server that accepts the
 * connection and never answers must not hang a script, nor an MCP client behind {@code infrafabric
 * mcp}. The REST client commands then fail (exit 1); the MCP bridge answers that request with an
 * error.
 */
public final class AnswerDeadline {

  /** Long enough for a {@code tools publish} the chassis validates and compiles. */
  public static final Duration PER_REQUEST = Duration.ofSeconds(60);

  private AnswerDeadline() {}
}
