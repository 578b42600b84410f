package com.infrafabric.chassis.internal.capability;

import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.runtime.WasmFunctionHandle;
import com.infrafabric.chassis.Outcome;
import com.infrafabric.chassis.internal.egress.EgressResult;
import com.infrafabric.chassis.internal.egress.HeaderRules;
import com.infrafabric.chassis.internal.egress.HttpEgress;
import com.infrafabric.chassis.internal.egress.OriginServers;
import com.infrafabric.chassis.internal.egress.OutboundRequest;
import com.infrafabric.chassis.internal.sandbox.GuestHalt;
import com.infrafabric.chassis.internal.sandbox.GuestMemory;
import com.infrafabric.chassis.internal.sandbox.Invocation;
import com.infrafabric.hostapi.abi.AbiError;
import com.infrafabric.hostapi.abi.LogLevel;
import com.infrafabric.hostapi.contract.HttpCapability;
import com.infrafabric.llm.destination.DestinationPattern;
import com.infrafabric.llm.vault.CredentialStore;
import com.infrafabric.llm.vault.OpenedCredential;
import com.infrafabric.platform.redis.RedisUnavailableException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * {@code http_request(ptr, len)} and {@code http_request_with_credential(name_ptr, name_len, ptr,
 * len)} for one invocation, sharing its request budget. Reads the JSON request, refuses methods and
 * headers a guest must not choose (Host, hop-by-hop, framing, the credential's own header), and
 * sends it through {@link HttpEgress}. Each hop, and its answer, is shaped by the response policy
 * of the credentials bound to the server it reaches, under whatever name, of any tenant ({@link
 * InvocationCredentials}, {@link CredentialGate}), and the answer lands in the result slot through
 * the invocation's guest boundary, which redacts their secrets. Each refusal is logged to the
 * tool's log and reported to {@code denials}, the denied-capability metric.
 */
final class HttpFunctions {

  /**
   * Where a refusal's resolved address goes: the operator's log, never the tool (it would map
   * internal names), within the rate of lines the invocation's tenant and tool have there; and why
   * the host could not send a request, on the same terms.
   */
  private static final Logger OPERATOR_LOG = LoggerFactory.getLogger("infrafabric.chassis.egress");

  private final Invocation invocation;
  private final HttpEgress egress;
  private final HttpCapability capability;
  private final List<DestinationPattern> allowList;
  private final Consumer<String> denials;
  private final Optional<CredentialStore> credentials;
  private final OriginServers servers;
  private final BooleanSupplier budget;
  private InvocationCredentials opened;

  HttpFunctions(
      Invocation invocation,
      HttpEgress egress,
      HttpCapability capability,
      List<DestinationPattern> allowList,
      Consumer<String> denials,
      Optional<CredentialStore> credentials,
      OriginServers servers) {
    this.invocation = invocation;
    this.egress = egress;
    this.capability = capability;
    this.allowList = allowList;
    this.denials = denials;
    this.credentials = credentials;
    this.servers = servers;
    int[] sent = {0};
    this.budget = () -> ++sent[0] <= capability.maxRequests();
  }

  WasmFunctionHandle plain() {
    return (instance, args) ->
        requestAt(instance.memory(), "http_request", (int) args[0], (int) args[1])
            .map(raw -> request(raw, Optional.empty()))
            .orElseGet(() -> Returns.error(AbiError.INVALID_ARGUMENT));
  }

  WasmFunctionHandle withCredential() {
    return (instance, args) -> {
      String call = "http_request_with_credential";
      Optional<byte[]> name =
          GuestMemory.read(
              instance.memory(),
              call,
              (int) args[0],
              (int) args[1],
              HttpCapability.CREDENTIAL_NAME_MAX_LENGTH);
      Optional<byte[]> raw = requestAt(instance.memory(), call, (int) args[2], (int) args[3]);
      String credential =
          name.map(n -> new String(n, StandardCharsets.UTF_8)).orElse("(a name too long)");
      if (name.isEmpty() || !granted(credential)) {
        return denied(
            AbiError.CREDENTIAL_NOT_GRANTED,
            "credential",
            "credential " + credential + " is not granted to this invocation");
      }
      return raw.map(r -> request(r, Optional.of(credential)))
          .orElseGet(() -> Returns.error(AbiError.INVALID_ARGUMENT));
    };
  }

  /**
   * The request JSON at {@code [ptr, ptr+len)}, or empty, nothing copied, if it is longer than
   * {@link HttpJson#maxRequestBytes} allows any request to be.
   */
  private Optional<byte[]> requestAt(Memory memory, String call, int ptr, int len) {
    return GuestMemory.read(
        memory, call, ptr, len, HttpJson.maxRequestBytes(egress.maxRequestBodyBytes()));
  }

  /** Named by the contract and by the invocation's grant, and the vault is configured. */
  private boolean granted(String credential) {
    return credentials.isPresent()
        && capability.credentials().contains(credential)
        && invocation.grant().map(g -> g.credentials().contains(credential)).orElse(false);
  }

  private long[] request(byte[] raw, Optional<String> credentialName) {
    OutboundRequest request;
    try {
      request = HttpJson.parse(raw, egress.maxRequestBodyBytes());
    } catch (IllegalArgumentException e) {
      return Returns.error(AbiError.INVALID_ARGUMENT);
    }
    InvocationCredentials mine;
    try {
      mine = opened();
    } catch (RedisUnavailableException e) {
      return Returns.error(AbiError.UNAVAILABLE);
    }
    Optional<OpenedCredential> credential = credentialName.flatMap(mine::named);
    if (credentialName.isPresent() && credential.isEmpty()) {
      return denied(
          AbiError.NOT_FOUND,
          "credential",
          "credential " + credentialName.get() + " is not in the vault");
    }
    Optional<String> forbidden = forbiddenHeader(request, credential);
    if (forbidden.isPresent()) {
      return denied(AbiError.DENIED, "header", forbidden.get());
    }
    CredentialGate gate = new CredentialGate(mine);
    EgressResult result = send(request, credential, gate);
    if (result instanceof EgressResult.Vetoed vetoed) {
      return denied(vetoed.error(), "credential", vetoed.reason());
    }
    if (result instanceof EgressResult.Faulted faulted) {
      if (invocation.hostMayLog()) {
        aboutThisInvocation(OPERATOR_LOG.atWarn())
            .log("egress could not send the request: {}", faulted.reason());
      }
      return Returns.error(AbiError.UNAVAILABLE);
    }
    if (result instanceof EgressResult.Failed failed) {
      if (!failed.address().isEmpty() && invocation.hostMayLog()) {
        aboutThisInvocation(OPERATOR_LOG.atInfo())
            .addKeyValue("address", failed.address())
            .log("egress refused: {}", failed.reason());
      }
      if (gate.statusCounted()) {
        return Returns.error(AbiError.UNAVAILABLE);
      }
      return failed.denial().isEmpty()
          ? Returns.error(failed.error())
          : denied(failed.error(), failed.denial(), failed.reason());
    }
    return answer((EgressResult.Response) result, gate.answered());
  }

  private LoggingEventBuilder aboutThisInvocation(LoggingEventBuilder line) {
    return line.addKeyValue("tenant", invocation.context().tenant())
        .addKeyValue("tool", invocation.tool().toString())
        .addKeyValue("invocation", invocation.context().invocationId());
  }

  /** The answer as the policy of the credentials bound to its server lets the tool read it. */
  private long[] answer(EgressResult.Response response, HopCredentials bound) {
    if (!bound.governs()) {
      return full(response);
    }
    String from = response.from().destination().origin();
    if (response.compressed()) {
      return denied(
          AbiError.DENIED, "credential", "a compressed answer from " + from + " was dropped");
    }
    Optional<String> charset = response.opaqueCharset();
    if (charset.isPresent()) {
      return denied(
          AbiError.DENIED,
          "credential",
          "an answer from "
              + from
              + " in charset "
              + charset.get()
              + ", which redaction cannot read, was dropped");
    }
    if (!bound.statusOnly()) {
      return full(response);
    }
    return Returns.value(invocation.result(HttpJson.statusOnly(response)));
  }

  /** The whole answer in the result slot, its body held as text and escaped only when read. */
  private long[] full(EgressResult.Response response) {
    return Returns.length(
        invocation.result(
            HttpJson.head(response, invocation.boundary()),
            HttpJson.BODY,
            HttpJson.bodyText(response)));
  }

  /** The invocation's credentials, opened at its first request. */
  private InvocationCredentials opened() {
    if (opened == null) {
      opened =
          Blocking.await(
              InvocationCredentials.open(
                  invocation, capability.credentials(), credentials, servers));
    }
    return opened;
  }

  private EgressResult send(
      OutboundRequest request, Optional<OpenedCredential> credential, CredentialGate gate) {
    try {
      return egress.send(
          invocation.context().tenant(), request, capability, allowList, budget, credential, gate);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new GuestHalt(Outcome.TIMEOUT, "the tool was stopped during an HTTP request");
    }
  }

  /** Records a refusal in the tool's log and the denied-capability metric. */
  private long[] denied(AbiError error, String policy, String reason) {
    denials.accept(policy);
    invocation.log(
        LogLevel.WARN, ("http_request denied: " + reason).getBytes(StandardCharsets.UTF_8));
    return Returns.error(error);
  }

  /** The first header a tool may not choose, if any: the credential's header among them. */
  private static Optional<String> forbiddenHeader(
      OutboundRequest request, Optional<OpenedCredential> credential) {
    return request.headers().keySet().stream()
        .filter(
            name ->
                HeaderRules.forbidden(name)
                    || credential.map(c -> c.header().equals(name)).orElse(false))
        .sorted()
        .findFirst()
        .map(name -> "header " + name + " cannot be set by a tool");
  }
}
