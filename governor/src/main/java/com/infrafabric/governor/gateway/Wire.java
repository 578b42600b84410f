package com.infrafabric.governor.gateway;

import com.infrafabric.governor.tenant.TokenUsage;
import com.infrafabric.llm.ProviderFormat;
import com.infrafabric.llm.ProviderPaths;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.Optional;

/**
 * What differs between the provider APIs the gateway speaks, for one endpoint: how a request is
 * read and relayed, and where usage is in an answer or a stream. Implementations are stateless.
 */
interface Wire {

  /** The format a provider must speak to serve this endpoint (the offline one speaks them all). */
  ProviderFormat format();

  /** The endpoint's path under a provider's base URL, one of {@link ProviderPaths}. */
  String upstreamPath();

  /**
   * Checks the client's body, and the headers the provider is to be sent too, and bounds the call.
   *
   * @param body the body, read strictly from {@code bytes}
   * @param bytes the body as the client sent it
   * @param headers the client's headers: only those the format relays are read
   * @throws com.infrafabric.platform.http.ApiException 400 naming the field or header that is wrong
   */
  CallRequest read(JsonObject body, Buffer bytes, MultiMap headers, GatewaySettings settings);

  /**
   * The body sent upstream: the client's, for {@code model}, bounded and asking for usage ({@link
   * CallRequest#upstream}).
   */
  Buffer upstreamBody(CallRequest call, String model);

  /**
   * The usage a complete answer reports, from its {@code usage} object ({@link Answers#usage});
   * empty if it cannot be read ({@link Usages#read}): it lacks a count the format requires, or a
   * count is not one.
   */
  Optional<TokenUsage> usage(JsonObject reported);

  /** Counts one streamed answer to {@code call}. */
  StreamMeter meter(CallRequest call);
}
