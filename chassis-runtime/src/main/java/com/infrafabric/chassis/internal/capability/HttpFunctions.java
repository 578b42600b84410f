package com.infrafabric.chassis.internal.capability;

import com.dylibso.chicory.runtime.WasmFunctionHandle;
import com.infrafabric.chassis.Outcome;
import com.infrafabric.chassis.internal.egress.DestinationPattern;
import com.infrafabric.chassis.internal.egress.EgressResult;
import com.infrafabric.chassis.internal.egress.HttpEgress;
import com.infrafabric.chassis.internal.egress.OutboundRequest;
import com.infrafabric.chassis.internal.sandbox.GuestHalt;
import com.infrafabric.chassis.internal.sandbox.GuestMemory;
import com.infrafabric.chassis.internal.sandbox.Invocation;
import com.infrafabric.hostapi.abi.AbiError;
import com.infrafabric.hostapi.abi.LogLevel;
import com.infrafabric.hostapi.contract.HttpCapability;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * {@code http_request(ptr, len)}: reads the JSON request, refuses methods and headers a guest must
 * not choose (Host, hop-by-hop, framing), and sends it through {@link HttpEgress}. The response
 * JSON lands in the result slot. Each refusal by the egress policy is also logged to the tool's log
 * and reported to {@code denials}, the denied-capability metric.
 */
final class HttpFunctions {

  private static final Set<String> METHODS =
      Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");
  private static final Set<String> FORBIDDEN_HEADERS =
      Set.of(
          "host",
          "connection",
          "keep-alive",
          "proxy-connection",
          "proxy-authenticate",
          "proxy-authorization",
          "te",
          "trailer",
          "trailers",
          "transfer-encoding",
          "upgrade",
          "content-length",
          "expect",
          "forwarded",
          "x-forwarded-for",
          "x-forwarded-host");
  private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]{1,128}");

  private HttpFunctions() {}

  static WasmFunctionHandle request(
      Invocation invocation,
      HttpEgress egress,
      HttpCapability capability,
      List<DestinationPattern> allowList,
      Consumer<String> denials) {
    int[] sent = {0};
    BooleanSupplier budget = () -> ++sent[0] <= capability.maxRequests();
    return (instance, args) -> {
      byte[] raw =
          GuestMemory.read(instance.memory(), "http_request", (int) args[0], (int) args[1]);
      OutboundRequest request;
      try {
        request = parse(raw, egress.maxRequestBodyBytes());
      } catch (IllegalArgumentException e) {
        return Returns.error(AbiError.INVALID_ARGUMENT);
      }
      Optional<String> forbidden = forbiddenHeader(request);
      if (forbidden.isPresent()) {
        return denied(invocation, denials, "header", forbidden.get());
      }
      EgressResult result = send(egress, request, capability, allowList, budget);
      if (result instanceof EgressResult.Failed failed) {
        return failed.denial().isEmpty()
            ? Returns.error(failed.error())
            : denied(invocation, denials, failed.denial(), failed.reason());
      }
      byte[] json = encode((EgressResult.Response) result);
      invocation.result(json);
      return Returns.value(json.length);
    };
  }

  private static EgressResult send(
      HttpEgress egress,
      OutboundRequest request,
      HttpCapability capability,
      List<DestinationPattern> allowList,
      BooleanSupplier budget) {
    try {
      return egress.send(request, capability, allowList, budget);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new GuestHalt(Outcome.TIMEOUT, "the tool was stopped during an HTTP request");
    }
  }

  /** Records a refusal in the tool's log and the denied-capability metric; the guest gets -5. */
  private static long[] denied(
      Invocation invocation, Consumer<String> denials, String policy, String reason) {
    denials.accept(policy);
    invocation.log(
        LogLevel.WARN, ("http_request denied: " + reason).getBytes(StandardCharsets.UTF_8));
    return Returns.error(AbiError.DENIED);
  }

  /** The first header a tool may not choose (Host, hop-by-hop, framing, proxy), if any. */
  private static Optional<String> forbiddenHeader(OutboundRequest request) {
    return request.headers().keySet().stream()
        .filter(name -> FORBIDDEN_HEADERS.contains(name) || name.startsWith("proxy-"))
        .sorted()
        .findFirst()
        .map(name -> "header " + name + " cannot be set by a tool");
  }

  private static OutboundRequest parse(byte[] raw, int maxBodyBytes) {
    JsonObject json;
    try {
      json = new JsonObject(new String(raw, StandardCharsets.UTF_8));
    } catch (DecodeException | ClassCastException e) {
      throw new IllegalArgumentException("request is not a JSON object");
    }
    String method = text(json, "method", "GET").toUpperCase(Locale.ROOT);
    if (!METHODS.contains(method)) {
      throw new IllegalArgumentException("method " + method + " is not allowed");
    }
    Map<String, String> headers = new HashMap<>();
    JsonObject given = json.getValue("headers") instanceof JsonObject h ? h : new JsonObject();
    for (String name : given.fieldNames()) {
      String lower = name.toLowerCase(Locale.ROOT);
      Object value = given.getValue(name);
      if (!TOKEN.matcher(name).matches() || !(value instanceof String text) || !safeValue(text)) {
        throw new IllegalArgumentException("invalid header " + name);
      }
      headers.put(lower, text);
    }
    byte[] body = text(json, "body", "").getBytes(StandardCharsets.UTF_8);
    if (body.length > maxBodyBytes) {
      throw new IllegalArgumentException("body exceeds " + maxBodyBytes + " bytes");
    }
    return new OutboundRequest(method, text(json, "url", ""), headers, body);
  }

  private static String text(JsonObject json, String field, String fallback) {
    Object value = json.getValue(field);
    if (value == null) {
      return fallback;
    }
    if (!(value instanceof String text)) {
      throw new IllegalArgumentException(field + " must be a string");
    }
    return text;
  }

  private static boolean safeValue(String value) {
    return value.length() <= 8192
        && value.chars().allMatch(c -> c == '\t' || (c >= 0x20 && c != 0x7F && c < 0x100));
  }

  private static byte[] encode(EgressResult.Response response) {
    JsonObject headers = new JsonObject();
    response.headers().forEach(headers::put);
    return new JsonObject()
        .put("status", response.status())
        .put("headers", headers)
        .put("body", new String(response.body(), StandardCharsets.UTF_8))
        .encode()
        .getBytes(StandardCharsets.UTF_8);
  }
}
