package com.infrafabric.chassis.internal.capability;

import com.dylibso.chicory.runtime.WasmFunctionHandle;
import com.infrafabric.chassis.Outcome;
import com.infrafabric.chassis.internal.credential.CredentialStore;
import com.infrafabric.chassis.internal.credential.Redactor;
import com.infrafabric.chassis.internal.egress.DestinationPattern;
import com.infrafabric.chassis.internal.egress.EgressResult;
import com.infrafabric.chassis.internal.egress.HeaderRules;
import com.infrafabric.chassis.internal.egress.HttpEgress;
import com.infrafabric.chassis.internal.egress.OpenedCredential;
import com.infrafabric.chassis.internal.egress.OutboundRequest;
import com.infrafabric.chassis.internal.sandbox.GuestHalt;
import com.infrafabric.chassis.internal.sandbox.GuestMemory;
import com.infrafabric.chassis.internal.sandbox.Invocation;
import com.infrafabric.hostapi.abi.AbiError;
import com.infrafabric.hostapi.abi.LogLevel;
import com.infrafabric.hostapi.contract.HttpCapability;
import com.infrafabric.platform.redis.RedisUnavailableException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * {@code http_request(ptr, len)} and {@code http_request_with_credential(name_ptr, name_len, ptr,
 * len)} for one invocation, sharing its request budget. Reads the JSON request, refuses methods and
 * headers a guest must not choose (Host, hop-by-hop, framing, the credential's own header), and
 * sends it through {@link HttpEgress}. The response JSON lands in the result slot, redacted of the
 * credential's secret. Each refusal is logged to the tool's log and reported to {@code denials},
 * the denied-capability metric.
 */
final class HttpFunctions {

  private final Invocation invocation;
  private final HttpEgress egress;
  private final HttpCapability capability;
  private final List<DestinationPattern> allowList;
  private final Consumer<String> denials;
  private final Optional<CredentialStore> credentials;
  private final BooleanSupplier budget;

  HttpFunctions(
      Invocation invocation,
      HttpEgress egress,
      HttpCapability capability,
      List<DestinationPattern> allowList,
      Consumer<String> denials,
      Optional<CredentialStore> credentials) {
    this.invocation = invocation;
    this.egress = egress;
    this.capability = capability;
    this.allowList = allowList;
    this.denials = denials;
    this.credentials = credentials;
    int[] sent = {0};
    this.budget = () -> ++sent[0] <= capability.maxRequests();
  }

  WasmFunctionHandle plain() {
    return (instance, args) -> {
      byte[] raw =
          GuestMemory.read(instance.memory(), "http_request", (int) args[0], (int) args[1]);
      return request(raw, Optional.empty());
    };
  }

  WasmFunctionHandle withCredential() {
    return (instance, args) -> {
      String call = "http_request_with_credential";
      byte[] name = GuestMemory.read(instance.memory(), call, (int) args[0], (int) args[1]);
      byte[] raw = GuestMemory.read(instance.memory(), call, (int) args[2], (int) args[3]);
      String credential = new String(name, StandardCharsets.UTF_8);
      if (!granted(credential)) {
        return denied(
            AbiError.CREDENTIAL_NOT_GRANTED,
            "credential",
            "credential " + credential + " is not granted to this invocation");
      }
      Optional<OpenedCredential> opened;
      try {
        opened = Blocking.await(credentials.orElseThrow().open(credential));
      } catch (RedisUnavailableException e) {
        return Returns.error(AbiError.UNAVAILABLE);
      }
      if (opened.isEmpty()) {
        return denied(
            AbiError.NOT_FOUND, "credential", "credential " + credential + " is not in the vault");
      }
      return request(raw, opened);
    };
  }

  /** Named by the contract and by the invocation's grant, and the vault is configured. */
  private boolean granted(String credential) {
    return credentials.isPresent()
        && capability.credentials().contains(credential)
        && invocation.grant().map(g -> g.credentials().contains(credential)).orElse(false);
  }

  private long[] request(byte[] raw, Optional<OpenedCredential> credential) {
    OutboundRequest request;
    try {
      request = HttpJson.parse(raw, egress.maxRequestBodyBytes());
    } catch (IllegalArgumentException e) {
      return Returns.error(AbiError.INVALID_ARGUMENT);
    }
    Optional<String> forbidden = forbiddenHeader(request, credential);
    if (forbidden.isPresent()) {
      return denied(AbiError.DENIED, "header", forbidden.get());
    }
    Redactor redactor = credential.map(c -> Redactor.of(c.secrets())).orElse(Redactor.none());
    EgressResult result = send(request, credential);
    if (result instanceof EgressResult.Failed failed) {
      return failed.denial().isEmpty()
          ? Returns.error(failed.error())
          : denied(failed.error(), failed.denial(), redactor.redact(failed.reason()));
    }
    byte[] json = HttpJson.encode((EgressResult.Response) result, redactor);
    invocation.result(json);
    return Returns.value(json.length);
  }

  private EgressResult send(OutboundRequest request, Optional<OpenedCredential> credential) {
    try {
      return egress.send(request, capability, allowList, budget, credential);
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
