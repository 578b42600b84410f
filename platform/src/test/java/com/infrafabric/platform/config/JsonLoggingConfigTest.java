package com.infrafabric.platform.config;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.ConsoleAppender;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class JsonLoggingConfigTest {

  @Test
  void writesOneJsonObjectPerLineWithKeyValuePairsAsTopLevelFieldsOfTheirOwnType()
      throws Exception {
    LoggerContext context = new LoggerContext();
    context.setMDCAdapter(new LogbackMDCAdapter());
    JoranConfigurator configurator = new JoranConfigurator();
    configurator.setContext(context);
    configurator.doConfigure(getClass().getResource("/infrafabric-logback.xml"));
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    ((ConsoleAppender<?>) root.getAppender("JSON")).setOutputStream(captured);
    try {
      context
          .getLogger("infrafabric.access")
          .atInfo()
          .addKeyValue("requestId", "r-1")
          .addKeyValue("status", 200)
          .log("request");
    } finally {
      context.stop();
    }

    String line = captured.toString(StandardCharsets.UTF_8).strip();
    assertThat(line).doesNotContain("\n");
    JsonObject json = new JsonObject(line);
    assertThat(json.getString("level")).isEqualTo("INFO");
    assertThat(json.getString("logger_name")).isEqualTo("infrafabric.access");
    assertThat(json.getString("message")).isEqualTo("request");
    assertThat(json.getValue("requestId")).isEqualTo("r-1");
    assertThat(json.getValue("status")).as("a number stays a number").isEqualTo(200);
    assertThat(json.fieldNames()).doesNotContain("kvpList");
  }
}
