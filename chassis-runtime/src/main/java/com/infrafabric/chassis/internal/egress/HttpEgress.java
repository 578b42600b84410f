package com.infrafabric.chassis.internal.egress;

import com.infrafabric.chassis.egress.EgressSettings;
import com.infrafabric.hostapi.abi.AbiError;
import com.infrafabric.hostapi.contract.HttpCapability;
import com.infrafabric.llm.destination.Destination;
import com.infrafabric.llm.destination.DestinationPattern;
import com.infrafabric.llm.vault.OpenedCredential;
import io.netty.handler.codec.TooLongFrameException;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import java.net.ConnectException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

/**
 * Sends guest HTTP requests. Each hop is decided by the {@link EgressPolicy} and the connection is
 * opened to the address the policy checked ({@code RequestOptions.setServer}), never resolved
 * again, while the Host header and TLS name stay the URL's host. Redirects are followed by hand,
 * for GET and HEAD only, each hop checked like the first and counted against the request budget.
 * Connect, read (idle) and total timeouts, a header size cap and a body size cap apply to every
 * hop; bodies are never decompressed, so the cap is on bytes received.
 *
 * <p>Blocks the calling guest thread only; the Vert.x client does the I/O on its event loop.
 */
public final class HttpEgress implements AutoCloseable {

  private static final Set<Integer> REDIRECTS = Set.of(301, 302, 303, 307, 308);

  private final Vertx vertx;
  private final HttpClient client;
  private final EgressPolicy policy;
  private final EgressSettings settings;

  public HttpEgress(Vertx vertx, EgressPolicy policy, EgressSettings settings) {
    this(
        vertx,
        policy,
        settings,
        vertx.createHttpClient(
            new HttpClientOptions()
                .setKeepAlive(false)
                .setMaxHeaderSize(settings.maxHeaderBytes())
                .setMaxInitialLineLength(4096)
                .setDecompressionSupported(false)
                .setVerifyHost(true)
                .setMaxRedirects(0)));
  }

  /** Over {@code client}, which it closes: the one above, or one a test made fail on purpose. */
  HttpEgress(Vertx vertx, EgressPolicy policy, EgressSettings settings, HttpClient client) {
    this.vertx = vertx;
    this.policy = policy;
    this.settings = settings;
    this.client = client;
  }

  /**
   * Sends {@code request} of a guest of {@code tenant} under {@code capability}, taking one request
   * from {@code budget} per hop. Call from a guest thread.
   *
   * <p>With a {@code credential}, every hop must also be to an origin the credential allows, its
   * header is added, and no compression is asked for ({@code accept-encoding: identity}). Every
   * hop, once checked and its address chosen, is put to {@code gate} before it is sent, so the
   * caller decides on the server the hop reaches, not on the name it asked for. A redirect from a
   * hop the credential covers or {@code gate} {@linkplain HopGate#pins pins} (a server any stored
   * credential is bound to) to another origin is not followed, with or without the credential: the
   * tool gets the 3xx (which the caller shapes like any answer from that server), so a server that
   * was sent a secret cannot make the host carry it elsewhere in a URL. The caller also discards a
   * compressed answer from such a server ({@link EgressResult.Response#compressed}), and one that
   * declares a charset redaction cannot read ({@link EgressResult.Response#opaqueCharset}), so an
   * echoed secret cannot come back in a form redaction cannot see.
   */
  public EgressResult send(
      String tenant,
      OutboundRequest request,
      HttpCapability capability,
      List<DestinationPattern> allowList,
      BooleanSupplier budget,
      Optional<OpenedCredential> credential,
      HopGate gate)
      throws InterruptedException {
    String method = request.method();
    String url = request.url();
    byte[] body = request.body();
    Map<String, String> headers = withCredential(request.headers(), credential);
    for (int hop = 0; ; hop++) {
      if (!budget.getAsBoolean()) {
        return new EgressResult.Failed(
            AbiError.REQUEST_LIMIT,
            "the tool sent its " + capability.maxRequests() + " allowed requests",
            "");
      }
      EgressDecision decision = policy.check(tenant, url, allowList);
      if (decision instanceof EgressDecision.Denied denied) {
        return new EgressResult.Failed(
            denied.error(), denied.reason(), denied.policy(), denied.address());
      }
      EgressDecision.Allowed allowed = (EgressDecision.Allowed) decision;
      Destination destination = allowed.destination();
      if (credential.isPresent() && !credential.get().allows(destination)) {
        return new EgressResult.Failed(
            AbiError.CREDENTIAL_NOT_GRANTED,
            destination.origin() + " is not allowed for credential " + credential.get().name(),
            "credential");
      }
      Hop sent = allowed.hop();
      Optional<EgressResult.Vetoed> veto = gate.admit(sent);
      if (veto.isPresent()) {
        return veto.get();
      }
      EgressResult result = exchange(sent, method, headers, body, capability);
      String location = location(result);
      boolean follow =
          location != null
              && (method.equals("GET") || method.equals("HEAD"))
              && hop < settings.maxRedirects();
      if (!follow) {
        return result;
      }
      url = redirectTarget(destination.uri(), location);
      boolean staysHere = credential.isPresent() || gate.pins(sent);
      if (staysHere && !sameOrigin(url, destination.origin())) {
        return result;
      }
      body = new byte[0];
    }
  }

  private static Map<String, String> withCredential(
      Map<String, String> headers, Optional<OpenedCredential> credential) {
    if (credential.isEmpty()) {
      return headers;
    }
    Map<String, String> all = new TreeMap<>(headers);
    all.put("accept-encoding", "identity");
    all.put(credential.get().header(), credential.get().headerValue());
    return all;
  }

  private static boolean sameOrigin(String url, String origin) {
    try {
      return Destination.parse(url).origin().equals(origin);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static String location(EgressResult result) {
    if (result instanceof EgressResult.Response response && REDIRECTS.contains(response.status())) {
      return response.headers().get("location");
    }
    return null;
  }

  private static String redirectTarget(URI base, String location) {
    try {
      return base.resolve(location).toString();
    } catch (IllegalArgumentException e) {
      return location;
    }
  }

  private EgressResult exchange(
      Hop hop, String method, Map<String, String> headers, byte[] body, HttpCapability capability)
      throws InterruptedException {
    CompletableFuture<EgressResult> done = new CompletableFuture<>();
    AtomicReference<HttpClientRequest> sent = new AtomicReference<>();
    // Started on an event-loop context so the response handlers are set in the same task that
    // sees the response; set later from the guest thread, they could miss chunks already read.
    vertx
        .getOrCreateContext()
        .runOnContext(
            start -> {
              try {
                client
                    .request(options(hop, method, headers, capability))
                    .compose(
                        request -> {
                          sent.set(request);
                          return request.send(Buffer.buffer(body));
                        })
                    .onSuccess(
                        response -> receive(response, hop, capability.maxResponseBytes(), done))
                    .onFailure(failure -> done.complete(failed(failure)));
              } catch (RuntimeException fault) {
                // Thrown on the event loop, it would only reach Vert.x's log, as a stack trace
                // per call, and leave the guest waiting for its total timeout.
                done.complete(new EgressResult.Faulted(fault.toString()));
              }
            });
    try {
      return done.get(capability.totalTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      abort(sent);
      return new EgressResult.Failed(
          AbiError.TIMEOUT,
          "no complete response within " + capability.totalTimeout().toMillis() + " ms",
          "");
    } catch (InterruptedException e) {
      abort(sent);
      throw e;
    } catch (ExecutionException e) {
      throw new IllegalStateException("response handling failed", e.getCause());
    }
  }

  private static RequestOptions options(
      Hop hop, String method, Map<String, String> headers, HttpCapability capability) {
    Destination destination = hop.destination();
    RequestOptions options =
        new RequestOptions()
            .setMethod(HttpMethod.valueOf(method))
            .setServer(connectTo(hop.server()))
            .setHost(destination.authorityHost())
            .setPort(destination.port())
            .setSsl(destination.scheme().equals("https"))
            .setURI(destination.pathAndQuery())
            .setFollowRedirects(false)
            .setConnectTimeout(capability.connectTimeout().toMillis())
            .setIdleTimeout(capability.readTimeout().toMillis());
    headers.forEach(options::addHeader);
    return options;
  }

  /**
   * The socket address of {@code server}'s checked address alone. An address that carries the name
   * it was resolved from (every answer of the JVM's resolver does) makes the client look that name
   * up again with its own resolver when it connects: the connection would go wherever that second
   * answer says, past every check made on the first. An IPv6 address goes as its bracketed literal,
   * which no resolver can answer otherwise: the client writes a resolved address into an authority
   * as {@link InetAddress#getHostAddress} prints it, unbracketed, and refuses the request.
   */
  private static SocketAddress connectTo(Server server) {
    try {
      InetAddress bare = InetAddress.getByAddress(server.address().getAddress());
      if (bare instanceof Inet6Address) {
        return SocketAddress.inetSocketAddress(server.port(), "[" + bare.getHostAddress() + "]");
      }
      return SocketAddress.inetSocketAddress(new InetSocketAddress(bare, server.port()));
    } catch (UnknownHostException e) {
      throw new IllegalStateException("an address's own bytes are always an address", e);
    }
  }

  private static void receive(
      HttpClientResponse response, Hop from, int maxBytes, CompletableFuture<EgressResult> done) {
    Buffer received = Buffer.buffer();
    response.handler(
        chunk -> {
          if (received.length() + chunk.length() > maxBytes) {
            // Completed before the reset, whose failure callback would otherwise report it first.
            done.complete(
                new EgressResult.Failed(
                    AbiError.TOO_LARGE, "the response body exceeds " + maxBytes + " bytes", ""));
            response.request().reset();
          } else {
            received.appendBuffer(chunk);
          }
        });
    response.exceptionHandler(failure -> done.complete(failed(failure)));
    response.endHandler(
        end ->
            done.complete(
                new EgressResult.Response(
                    response.statusCode(), headers(response), received.getBytes(), from)));
  }

  private static Map<String, String> headers(HttpClientResponse response) {
    Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    for (String name : response.headers().names()) {
      // getAll is case-insensitive: a name repeated in another case gets the same values again.
      headers.put(name, String.join(", ", response.headers().getAll(name)));
    }
    return headers;
  }

  private static EgressResult failed(Throwable failure) {
    if (failure instanceof TimeoutException
        || failure instanceof io.netty.channel.ConnectTimeoutException) {
      return new EgressResult.Failed(AbiError.TIMEOUT, "the peer did not answer in time", "");
    }
    if (failure instanceof TooLongFrameException
        || failure.getCause() instanceof TooLongFrameException) {
      return new EgressResult.Failed(
          AbiError.TOO_LARGE, "the response headers exceed the operator's cap", "");
    }
    if (failure instanceof ConnectException) {
      return new EgressResult.Failed(AbiError.UNAVAILABLE, "the peer refused the connection", "");
    }
    return new EgressResult.Failed(
        AbiError.UNAVAILABLE, "the exchange failed: " + failure.getMessage(), "");
  }

  private static void abort(AtomicReference<HttpClientRequest> sent) {
    HttpClientRequest request = sent.get();
    if (request != null) {
      request.reset();
    }
  }

  /** The operator's cap on a request body a guest sends. */
  public int maxRequestBodyBytes() {
    return settings.maxRequestBodyBytes();
  }

  @Override
  public void close() {
    client.close();
  }
}
