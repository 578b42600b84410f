package com.infrafabric.deploy.client;

import com.infrafabric.deploy.cli.BuildVersion;
import com.infrafabric.deploy.cli.CliContext;
import com.infrafabric.deploy.cli.CommandGroup;
import com.infrafabric.deploy.cli.InputCap;
import com.infrafabric.deploy.cli.InputFiles;
import com.infrafabric.llm.vault.ResponsePolicy;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code infrafabric credentials list|put|delete}: the chassis's credential vault (token:
 * operator). The secret is read from a file, never from an argument, so it stays out of {@code ps}
 * and shell history; no answer contains it.
 */
@Command(
    name = "credentials",
    mixinStandardHelpOptions = true,
    versionProvider = BuildVersion.class,
    description = "Manage the credential vault of a running chassis (token: operator).",
    subcommands = {
      CredentialsCli.ListCredentials.class,
      CredentialsCli.Put.class,
      CredentialsCli.Delete.class
    })
public final class CredentialsCli extends CommandGroup {

  /** The vault routes of the operator, or of a tenant with {@code --tenant}. */
  static String base(String tenant) {
    return tenant == null
        ? "/v1/credentials"
        : "/v1/tenants/"
            + ClientCommand.segment(PathNames.segment("tenant", tenant))
            + "/credentials";
  }

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      versionProvider = BuildVersion.class,
      description = "Print the operator's credentials, or a tenant's.")
  static final class ListCredentials extends ClientCommand {

    @Option(names = "--tenant", paramLabel = "TENANT", description = "a tenant's credentials")
    private String tenant;

    ListCredentials(CliContext context) {
      super(context, Service.CHASSIS);
    }

    @Override
    Answer request(RestClient client) {
      return client.get(base(tenant));
    }

    @Override
    void print(Answer answer, PrintStream out) {
      Table table = Table.of("NAME", "ALLOW", "HEADER", "RESPONSE", "KEY_ID", "UPDATED_AT");
      for (Answer credential : answer.objects("credentials")) {
        table.row(
            credential.string("name"),
            String.join(" ", credential.strings("allow")),
            credential.optional("header"),
            credential.optional("response"),
            credential.string("key_id"),
            credential.string("updated_at"));
      }
      table.print(out);
    }
  }

  @Command(
      name = "put",
      mixinStandardHelpOptions = true,
      versionProvider = BuildVersion.class,
      description = "Store (or replace) a credential; the answer never holds the secret.")
  static final class Put extends ClientCommand {

    @Parameters(paramLabel = "NAME")
    private String name;

    @Option(names = "--tenant", paramLabel = "TENANT", description = "a tenant's credential")
    private String tenant;

    @Option(
        names = "--secret-file",
        required = true,
        paramLabel = "FILE",
        description = "file holding the secret (trailing newline dropped)")
    private Path secretFile;

    @Option(
        names = "--allow",
        required = true,
        split = ",",
        paramLabel = "ORIGIN",
        description = "origins it may be sent to, e.g. https://api.openai.com:443")
    private List<String> allow;

    @Option(names = "--header", defaultValue = "authorization", paramLabel = "NAME")
    private String header;

    @Option(names = "--scheme", defaultValue = "Bearer", paramLabel = "SCHEME")
    private String scheme;

    @Option(
        names = "--response",
        paramLabel = "POLICY",
        completionCandidates = ResponsePolicies.class,
        description =
            "tenant credentials: what tools read of the origins' answers, one of"
                + " ${COMPLETION-CANDIDATES} (default full: all, redacted of the secret;"
                + " status-only: the status class alone)")
    private String response;

    private String secret;

    Put(CliContext context) {
      super(context, Service.CHASSIS);
    }

    @Override
    Answer request(RestClient client) {
      JsonObject body =
          new JsonObject()
              .put("secret", secret)
              .put("allow", new JsonArray(allow))
              .put("header", header)
              .put("scheme", scheme);
      if (response != null) {
        body.put("response", response);
      }
      return client.put(base(tenant) + "/" + segment(PathNames.credential(name)), body);
    }

    @Override
    void check() {
      secret =
          new String(
                  InputFiles.bytes("--secret-file", secretFile, InputCap.DOCUMENT),
                  StandardCharsets.UTF_8)
              .stripTrailing();
    }

    @Override
    void print(Answer answer, PrintStream out) {
      out.println(
          "stored "
              + answer.string("name")
              + " under key "
              + answer.string("key_id")
              + ", allowed to "
              + answer.array("allow").encode());
    }
  }

  /** The names the chassis accepts for {@code --response}, taken from the policy type itself. */
  static final class ResponsePolicies implements Iterable<String> {
    @Override
    public Iterator<String> iterator() {
      return List.of(ResponsePolicy.full().wireName(), ResponsePolicy.statusOnly(1).wireName())
          .iterator();
    }
  }

  @Command(
      name = "delete",
      mixinStandardHelpOptions = true,
      versionProvider = BuildVersion.class,
      description = "Delete a credential.")
  static final class Delete extends ClientCommand {

    @Parameters(paramLabel = "NAME")
    private String name;

    @Option(names = "--tenant", paramLabel = "TENANT", description = "a tenant's credential")
    private String tenant;

    Delete(CliContext context) {
      super(context, Service.CHASSIS);
    }

    @Override
    Answer request(RestClient client) {
      client.delete(base(tenant) + "/" + segment(PathNames.credential(name)));
      return Answer.made(new JsonObject().put("deleted", name));
    }

    @Override
    void print(Answer answer, PrintStream out) {
      out.println("deleted " + answer.string("deleted"));
    }
  }
}
