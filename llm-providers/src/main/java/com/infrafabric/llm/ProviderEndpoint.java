package com.infrafabric.llm;

import com.infrafabric.llm.destination.Destination;
import com.infrafabric.llm.vault.OpenedCredential;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.net.URI;
import java.util.Map;
import java.util.Optional;

/**
 * Where a networked provider is reached, read once from its settings: its origin, its base path and
 * the JSON POST with a credential's header that both the chassis's calls ({@link ProviderHttp}) and
 * the gateway's relay ({@link HttpRelay}) send. A credential that does not allow the origin is
 * refused here, before any connection.
 */
final class ProviderEndpoint {

  /**
   * Each provider connection's kernel receive buffer. Left to autotuning, a kept-alive connection
   * that once carried a long answer grows it to megabytes (6 MiB on Linux): memory held per
   * connection that no setting bounds, and a stream the caller stopped reading would keep being
   * read from the provider into it. A fixed buffer turns autotuning off; 256 KiB still carries a
   * token stream at full speed.
   */
  static final int RECEIVE_BUFFER_BYTES = 256 * 1024;

  private final ProviderSettings settings;
  private final Destination origin;
  private final String basePath;
  private final boolean https;

  ProviderEndpoint(ProviderSettings settings) {
    this.settings = settings;
    URI endpoint = settings.endpoint().orElseThrow();
    this.origin = Destination.parse(endpoint.toString());
    String path = endpoint.getRawPath() == null ? "" : endpoint.getRawPath();
    this.basePath = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    this.https = "https".equals(endpoint.getScheme());
  }

  /**
   * A client for this endpoint: TLS when it is https, host verified, bodies as they are sent, and
   * up to {@code connections} kept-alive connections reused across calls (idle ones close after
   * Vert.x's keep-alive timeout, 60 s). Vert.x pools only five HTTP/1.1 connections per origin by
   * default; since a connection carries one call at a time, a sixth concurrent call (a burst, a
   * slow answer, any stream) would wait in the pool's queue, and that wait lands on every queued
   * call's latency. A new connection must be made within four fifths of {@link
   * ProviderSettings#connectionWait}: its failure ({@link java.net.ConnectException}) then comes
   * before the wait's own bound, which {@link HttpRelay} sets, so a provider that cannot be reached
   * is told apart from a pool that is busy. Each connection's receive buffer is {@link
   * #RECEIVE_BUFFER_BYTES}.
   */
  HttpClient client(Vertx vertx, int connections) {
    long connect = Math.max(1, settings.connectionWait().toMillis() * 4 / 5);
    return vertx.createHttpClient(
        new HttpClientOptions()
            .setSsl(https)
            .setVerifyHost(true)
            .setDecompressionSupported(false)
            .setConnectTimeout((int) connect)
            .setReceiveBufferSize(RECEIVE_BUFFER_BYTES),
        new PoolOptions().setHttp1MaxSize(connections));
  }

  /** Why {@code key} may not be sent to this endpoint, if it may not. */
  Optional<ProviderReply> refusal(OpenedCredential key) {
    if (key.allows(origin)) {
      return Optional.empty();
    }
    return Optional.of(
        ProviderReply.Failed.finalFailure(
            "credential " + key.name() + " does not allow " + origin.origin()));
  }

  /**
   * A JSON POST to {@code path} under the endpoint with {@code key}'s header and {@code headers}.
   */
  RequestOptions post(String path, OpenedCredential key, Map<String, String> headers) {
    RequestOptions options =
        new RequestOptions()
            .setMethod(HttpMethod.POST)
            .setHost(origin.authorityHost())
            .setPort(origin.port())
            .setSsl(https)
            .setURI(basePath + path)
            .putHeader("content-type", "application/json")
            .putHeader("accept-encoding", "identity")
            .putHeader(key.header(), key.headerValue());
    headers.forEach(options::putHeader);
    return options;
  }
}
