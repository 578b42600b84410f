package com.infrafabric.chassis.internal.egress;

import com.infrafabric.hostapi.abi.AbiError;
import java.util.Map;
import java.util.Optional;

/** What one guest HTTP request came to: a response, or an error code with its reason. */
public sealed interface EgressResult {

  /**
   * A complete response within every cap.
   *
   * @param status HTTP status
   * @param headers names as the origin sent them, looked up in any case, repeated values joined
   *     with {@code ", "}: lowercased only once redacted ({@code HttpJson}), since a secret in a
   *     name must be matched as it was sent
   * @param body the body, at most the contract's cap
   * @param from where the response came from (the last hop, after redirects): the URL and the
   *     server it reached
   */
  record Response(int status, Map<String, String> headers, byte[] body, Hop from)
      implements EgressResult {

    /** True if the body is content-encoded (compressed), so opaque to redaction. */
    public boolean compressed() {
      return !headers.getOrDefault("content-encoding", "identity").equalsIgnoreCase("identity");
    }

    /**
     * The charset the body declares, if the redactor cannot read a secret written in it ({@link
     * BodyCharset}): EBCDIC, or one this JVM does not know.
     */
    public Optional<String> opaqueCharset() {
      return BodyCharset.opaque(headers);
    }
  }

  /**
   * The request was refused or failed.
   *
   * @param error what the guest sees
   * @param reason why, for the log
   * @param denial the policy that refused it ({@code allow-list}, {@code address}, ...), or empty
   *     when the request was allowed but failed
   * @param address for the operator's log only: the address that refused it ({@link
   *     EgressDecision.Denied#address()}), or empty
   */
  record Failed(AbiError error, String reason, String denial, String address)
      implements EgressResult {

    /** Refused or failed for something other than the address a name resolved to. */
    public Failed(AbiError error, String reason, String denial) {
      this(error, reason, denial, "");
    }
  }

  /**
   * The host could not carry out the exchange: starting it threw (a bug, or a limit of the HTTP
   * client), whatever the peer would have said. The guest gets {@code UNAVAILABLE} at once; the
   * operator a line, within the rate of lines the guest's tenant and tool have in the service log,
   * since a guest may repeat the request at the speed of its loop.
   *
   * @param reason what threw, for the operator's log only
   */
  record Faulted(String reason) implements EgressResult {}

  /**
   * The caller's {@link HopGate} refused a hop before anything was sent to it.
   *
   * @param error what the guest sees
   * @param reason why, for the tool's log
   */
  record Vetoed(AbiError error, String reason) implements EgressResult {}
}
