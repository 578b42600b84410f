package com.infrafabric.deploy.backup;

import com.infrafabric.deploy.cli.CliContext;
import com.infrafabric.platform.redis.RedisEndpoint;
import picocli.CommandLine.Option;

/**
 * The Redis a backup or restore command talks to: {@code --redis-url}, or else {@code REDIS_URL}
 * (which keeps the password off the command line, where {@code ps} would show it).
 */
final class RedisUrlOption {

  @Option(
      names = "--redis-url",
      paramLabel = "URL",
      description = "redis://[user:password@]host:port[/db] (default: $REDIS_URL)")
  private String url;

  RedisEndpoint endpoint(CliContext context) {
    String chosen = url != null ? url : context.env().get("REDIS_URL");
    if (chosen == null || chosen.isBlank()) {
      throw new IllegalArgumentException("no Redis named: give --redis-url URL or set REDIS_URL");
    }
    return RedisEndpoint.parse(chosen);
  }
}
