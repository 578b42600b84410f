package com.infrafabric.chassis.mcp;

import com.infrafabric.chassis.mcp.JsonRpc.Reply;
import java.util.List;
import java.util.Optional;

/**
 * The MCP versions this server speaks, and what each message may claim about its version: {@code
 * initialize} negotiates one per session, and from then on the session's version decides what is
 * served. A client sends it in {@value #HEADER} on every later request (a 2025-03-26 client, which
 * predates the header, sends none: a message without it is read under its session's version); a
 * header naming a version this server does not speak, or another than its session's, is refused
 * with 400, as the transport (2025-06-18 and later) requires.
 */
final class ProtocolVersions {

  static final String HEADER = "MCP-Protocol-Version";
  static final String LATEST = "2025-11-25";
  static final List<String> SUPPORTED = List.of(LATEST, "2025-06-18", "2025-03-26");

  /** The one version whose clients may send batches: later ones removed them. */
  static final String BATCHING = "2025-03-26";

  private ProtocolVersions() {}

  /** The version a session opened by {@code initialize} asking for {@code requested} speaks. */
  static String negotiate(String requested) {
    return SUPPORTED.contains(requested) ? requested : LATEST;
  }

  /** The refusal of a {@value #HEADER} this server does not speak; {@code header} may be null. */
  static Optional<Reply.Error> unsupported(String header) {
    if (header == null || SUPPORTED.contains(header)) {
      return Optional.empty();
    }
    return Optional.of(
        invalid(
            "Unsupported "
                + HEADER
                + "; this server speaks "
                + String.join(", ", SUPPORTED)
                + "."));
  }

  /** The refusal of a {@value #HEADER} that is not the session's negotiated {@code version}. */
  static Optional<Reply.Error> otherThan(String version, String header) {
    if (header == null || header.equals(version)) {
      return Optional.empty();
    }
    return Optional.of(
        invalid(
            HEADER
                + " "
                + header
                + " is not this session's version, "
                + version
                + ", which its initialize negotiates: send that one, or initialize again."));
  }

  /** The refusal of a batch in a session of {@code version}, unless it is {@value #BATCHING}. */
  static Optional<Reply.Error> batchRefused(String version) {
    if (version.equals(BATCHING)) {
      return Optional.empty();
    }
    return Optional.of(
        invalid(
            "Batches are part of MCP "
                + BATCHING
                + " only: this session speaks "
                + version
                + ", so send one JSON-RPC message per request."));
  }

  private static Reply.Error invalid(String message) {
    return JsonRpc.refused(400, JsonRpc.INVALID_REQUEST, message);
  }
}
