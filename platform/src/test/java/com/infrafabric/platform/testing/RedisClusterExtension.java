package com.infrafabric.platform.testing;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Gives a test class its own {@link LocalRedisCluster}, formed before the first test and killed and
 * deleted after the last one, whatever happened in between.
 *
 * <pre>{@code
 * @RegisterExtension static final RedisClusterExtension CLUSTER = RedisClusterExtension.create();
 * }</pre>
 */
public final class RedisClusterExtension extends LocalRedisCluster
    implements BeforeAllCallback, AfterAllCallback {

  private RedisClusterExtension() {}

  public static RedisClusterExtension create() {
    return new RedisClusterExtension();
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    form();
    RedisServerExtension.warmUpClient(endpoint());
  }

  @Override
  public void afterAll(ExtensionContext context) {
    close();
  }
}
