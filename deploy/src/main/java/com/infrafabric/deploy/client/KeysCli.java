package com.infrafabric.deploy.client;

import com.infrafabric.deploy.cli.BuildVersion;
import com.infrafabric.deploy.cli.CliContext;
import com.infrafabric.deploy.cli.CommandGroup;
import com.infrafabric.governor.keys.VirtualKey;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.PrintStream;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code infrafabric keys create|list|get|rotate|expire|revoke}: the virtual API keys LLM gateway
 * callers present (token: admin; auditor reads). The secret is printed by create and rotate only,
 * once.
 */
@Command(
    name = "keys",
    mixinStandardHelpOptions = true,
    versionProvider = BuildVersion.class,
    description = "Manage virtual API keys on a running governor (token: admin; auditor reads).",
    subcommands = {
      KeysCli.Create.class,
      KeysCli.ListKeys.class,
      KeysCli.Get.class,
      KeysCli.Rotate.class,
      KeysCli.Expire.class,
      KeysCli.Revoke.class
    })
public final class KeysCli extends CommandGroup {

  private static final String[] COLUMNS = {"ID", "SCOPE", "MODELS", "RPM", "TPM", "EXPIRES_AT"};

  @Command(
      name = "create",
      mixinStandardHelpOptions = true,
      versionProvider = BuildVersion.class,
      description = "Create a key bound to a scope; prints its secret, which is shown only once.")
  static final class Create extends ClientCommand {

    @Option(names = "--scope", required = true, paramLabel = "SCOPE", description = "charged scope")
    private String scope;

    @Option(
        names = "--models",
        required = true,
        split = ",",
        paramLabel = "MODEL",
        description = "models or aliases it may call, comma-separated; * for any")
    private List<String> models;

    @Option(names = "--rpm", required = true, paramLabel = "N", description = "requests a minute")
    private long rpm;

    @Option(names = "--tpm", required = true, paramLabel = "N", description = "tokens a minute")
    private long tpm;

    @Option(names = "--meta", paramLabel = "NAME=VALUE", description = "a label; repeatable")
    private Map<String, String> metadata = Map.of();

    @Option(
        names = "--expires-at",
        paramLabel = "INSTANT",
        description = "e.g. 2027-01-01T00:00:00Z")
    private Instant expiresAt;

    @Mixin private RetryKeyOption retryKey;

    Create(CliContext context) {
      super(context, Service.GOVERNOR);
    }

    @Override
    void check() {
      Bounds.within("--rpm", rpm, 1, VirtualKey.MAX_RATE);
      Bounds.within("--tpm", tpm, 1, VirtualKey.MAX_RATE);
    }

    @Override
    Answer request(RestClient client) {
      JsonObject body =
          new JsonObject()
              .put("scope", scope)
              .put("allowed_models", new JsonArray(models))
              .put("requests_per_minute", rpm)
              .put("tokens_per_minute", tpm)
              .put("metadata", new JsonObject(Map.copyOf(metadata)));
      if (expiresAt != null) {
        body.put("expires_at", expiresAt.toString());
      }
      return retryKey.post(client, "/v1/keys", body);
    }

    @Override
    void print(Answer answer, PrintStream out) {
      printIssued(answer, out);
    }
  }

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      versionProvider = BuildVersion.class,
      description = "Print the keys of a subtree (default: the token's), one page; no secrets.")
  static final class ListKeys extends ClientCommand {

    @Mixin private SubtreeOption subtree;

    @Mixin private PageOptions page;

    ListKeys(CliContext context) {
      super(context, Service.GOVERNOR);
    }

    @Override
    Answer request(RestClient client) {
      return client.get(page.appendTo(subtree.appendTo("/v1/keys")));
    }

    @Override
    void print(Answer answer, PrintStream out) {
      Table table = Table.of(COLUMNS);
      for (Answer key : answer.objects("keys")) {
        row(table, key);
      }
      table.print(out);
      PageOptions.printNext(answer, out);
    }
  }

  @Command(
      name = "get",
      mixinStandardHelpOptions = true,
      versionProvider = BuildVersion.class,
      description = "Print one key (never its secret).")
  static final class Get extends ClientCommand {

    @Mixin private KeyAddress key;

    Get(CliContext context) {
      super(context, Service.GOVERNOR);
    }

    @Override
    Answer request(RestClient client) {
      return client.get(key.path());
    }

    @Override
    void print(Answer answer, PrintStream out) {
      printKey(answer, out);
    }
  }

  @Command(
      name = "rotate",
      mixinStandardHelpOptions = true,
      versionProvider = BuildVersion.class,
      description = "Give a key a new secret (printed once); the old one stops working at once.")
  static final class Rotate extends ClientCommand {

    @Mixin private KeyAddress key;

    @Mixin private RetryKeyOption retryKey;

    Rotate(CliContext context) {
      super(context, Service.GOVERNOR);
    }

    @Override
    Answer request(RestClient client) {
      return retryKey.post(client, key.path() + "/rotate", new JsonObject());
    }

    @Override
    void print(Answer answer, PrintStream out) {
      printIssued(answer, out);
    }
  }

  @Command(
      name = "expire",
      mixinStandardHelpOptions = true,
      versionProvider = BuildVersion.class,
      description = "Set when a key stops working (default: now); it stays listed until revoked.")
  static final class Expire extends ClientCommand {

    @Mixin private KeyAddress key;

    @Option(names = "--at", paramLabel = "INSTANT", description = "e.g. 2027-01-01T00:00:00Z")
    private Instant at;

    Expire(CliContext context) {
      super(context, Service.GOVERNOR);
    }

    @Override
    Answer request(RestClient client) {
      JsonObject body =
          at == null ? new JsonObject() : new JsonObject().put("expires_at", at.toString());
      return client.post(key.path() + "/expire", body);
    }

    @Override
    void print(Answer answer, PrintStream out) {
      printKey(answer, out);
    }
  }

  @Command(
      name = "revoke",
      mixinStandardHelpOptions = true,
      versionProvider = BuildVersion.class,
      description = "Revoke a key: it stops working on every node within a second.")
  static final class Revoke extends ClientCommand {

    @Mixin private KeyAddress key;

    Revoke(CliContext context) {
      super(context, Service.GOVERNOR);
    }

    @Override
    Answer request(RestClient client) {
      client.delete(key.path());
      return Answer.made(new JsonObject().put("revoked", key.id));
    }

    @Override
    void print(Answer answer, PrintStream out) {
      out.println("revoked " + answer.string("revoked"));
    }
  }

  /** Which key a command names: its tenant and id. */
  static final class KeyAddress {

    @Parameters(index = "0", paramLabel = "TENANT")
    private String tenant;

    @Parameters(index = "1", paramLabel = "KEY_ID")
    private String id;

    String path() {
      return "/v1/keys/"
          + ClientCommand.segment(PathNames.segment("tenant", tenant))
          + "/"
          + ClientCommand.segment(PathNames.keyId(id));
    }
  }

  private static void printKey(Answer key, PrintStream out) {
    Table table = Table.of(COLUMNS);
    row(table, key);
    table.print(out);
  }

  /**
   * The key, then its secret; a replayed answer ({@code secret_shown} false) has none to print, and
   * the governor's notice says why and what to do.
   */
  private static void printIssued(Answer answer, PrintStream out) {
    printKey(answer, out);
    out.println(
        Boolean.TRUE.equals(answer.optional("secret_shown"))
            ? "secret (shown once, store it now): " + answer.string("secret")
            : "secret: not shown, this answer replays an earlier request: "
                + answer.optional("secret_notice"));
  }

  private static void row(Table table, Answer key) {
    table.row(
        key.string("id"),
        key.string("scope"),
        String.join(",", key.strings("allowed_models")),
        key.value("requests_per_minute"),
        key.value("tokens_per_minute"),
        key.optional("expires_at"));
  }
}
