package com.infrafabric.chassis.internal.credential;

import com.infrafabric.chassis.GuestLog;
import com.infrafabric.chassis.InvocationResult;
import com.infrafabric.llm.vault.OpenedCredential;
import com.infrafabric.llm.vault.Redactor;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * The one redaction step between the host and one invocation's tool. Every secret opened for the
 * invocation (a tenant credential it may use at its first HTTP request, every credential of any
 * owner bound to an origin it asks before that origin's answer is read, a provider key for an LLM
 * call) is {@linkplain #guard guarded} here, and everything the host hands the tool or its caller
 * passes {@link #redact} on the way: each result a host function returns (HTTP status, header names
 * and values, bodies, LLM answers and errors, kv values and keys), every log line, the output and
 * the invocation's message. What the {@link Redactor} catches is stated there.
 *
 * <p>The invocation ({@code Invocation}) is the single point that calls it: host functions never
 * write to the guest but through it. Thread-safe: secrets may be guarded from an event loop while
 * the guest thread waits.
 */
public final class GuestBoundary {

  private final Set<String> secrets = new LinkedHashSet<>();
  private Redactor redactor = Redactor.none();

  /**
   * From now on nothing reaches the tool or its caller with a piece of {@code credential}'s secret.
   */
  public synchronized void guard(OpenedCredential credential) {
    if (secrets.add(credential.secret())) {
      redactor = Redactor.of(secrets);
    }
  }

  public String redact(String text) {
    return redactor().redact(text);
  }

  /** Bytes that need not be text (a stored value), redacted as ISO-8859-1 ({@link Redactor}). */
  public byte[] redact(byte[] bytes) {
    return redactor().redact(bytes);
  }

  /**
   * A copy of {@code json} (a {@link JsonObject}, {@link JsonArray} or scalar) with every name and
   * every string, at any depth, redacted, so no match can span the JSON's structure.
   */
  public Object redactJson(Object json) {
    Redactor current = redactor();
    return current == Redactor.none() ? json : redactValue(json, current);
  }

  /** The invocation's answer with its message and logs redacted (the output already was). */
  public InvocationResult redact(InvocationResult result) {
    Redactor current = redactor();
    if (current == Redactor.none()) {
      return result;
    }
    return new InvocationResult(
        result.outcome(),
        result.output(),
        current.redact(result.message()),
        result.report(),
        result.logs().stream()
            .map(log -> new GuestLog(log.level(), current.redact(log.message())))
            .toList());
  }

  private synchronized Redactor redactor() {
    return redactor;
  }

  private static JsonObject redact(JsonObject json, Redactor redactor) {
    JsonObject clean = new JsonObject();
    for (Map.Entry<String, Object> entry : json) {
      clean.put(redactor.redact(entry.getKey()), redactValue(entry.getValue(), redactor));
    }
    return clean;
  }

  private static Object redactValue(Object value, Redactor redactor) {
    if (value instanceof String text) {
      return redactor.redact(text);
    }
    if (value instanceof JsonObject object) {
      return redact(object, redactor);
    }
    if (value instanceof JsonArray array) {
      JsonArray clean = new JsonArray();
      array.forEach(item -> clean.add(redactValue(item, redactor)));
      return clean;
    }
    return value;
  }
}
