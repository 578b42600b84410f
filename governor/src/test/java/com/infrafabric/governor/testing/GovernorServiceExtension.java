package com.infrafabric.governor.testing;

import com.infrafabric.governor.events.WebhookSettings;
import com.infrafabric.platform.testing.RedisServerExtension;
import com.infrafabric.platform.testing.TempFolder;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A {@link GovernorServiceRig} on its own real redis-server, with its key files in a folder of its
 * own, started before a test class (before its {@code @BeforeAll} methods) and stopped after it:
 * the set-up every API test class needs, written once.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final GovernorServiceExtension GOVERNOR = GovernorServiceExtension.create();
 * }</pre>
 */
public final class GovernorServiceExtension implements BeforeAllCallback, AfterAllCallback {

  private final RedisServerExtension redis = RedisServerExtension.create();
  private Path directory;
  private GovernorServiceRig rig;

  private GovernorServiceExtension() {}

  public static GovernorServiceExtension create() {
    return new GovernorServiceExtension();
  }

  /** The running governor; only between the class's start and end. */
  public GovernorServiceRig rig() {
    if (rig == null) {
      throw new IllegalStateException("the governor runs only while its test class does");
    }
    return rig;
  }

  /** The folder holding the rig's key files (its grant key set is {@code grant-jwks.json}). */
  public Path directory() {
    return directory;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    redis.beforeAll(context);
    directory = TempFolder.create("governor-rig-");
    rig = new GovernorServiceRig(redis.endpoint(), directory, WebhookSettings.NONE);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    try {
      if (rig != null) {
        rig.close();
        rig = null;
      }
    } finally {
      redis.afterAll(context);
      TempFolder.delete(directory);
    }
  }
}
