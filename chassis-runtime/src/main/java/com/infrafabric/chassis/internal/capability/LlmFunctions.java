package com.infrafabric.chassis.internal.capability;

import com.dylibso.chicory.runtime.WasmFunctionHandle;
import com.infrafabric.chassis.internal.llm.LlmGateway;
import com.infrafabric.chassis.internal.llm.LlmOutcome;
import com.infrafabric.chassis.internal.sandbox.GuestMemory;
import com.infrafabric.chassis.internal.sandbox.Invocation;
import com.infrafabric.hostapi.abi.AbiError;
import com.infrafabric.hostapi.abi.LogLevel;
import com.infrafabric.hostapi.contract.CapabilityKind;
import com.infrafabric.hostapi.contract.LlmCapability;
import com.infrafabric.llm.Cancellation;
import com.infrafabric.llm.ChatMessage;
import com.infrafabric.llm.ChatRequest;
import com.infrafabric.platform.http.ApiException;
import com.infrafabric.platform.http.StrictJson;
import com.infrafabric.wire.grant.Grant;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Consumer;

/**
 * {@code llm_complete(ptr, len)} for one invocation: reads the request JSON, checks the call count,
 * and that the model is in both the contract's and the grant's lists, then hands the call to the
 * {@link LlmGateway} and waits for it on the guest thread. The result slot always holds JSON: the
 * completion, or {@code {"error","message","remaining_micros"}} beside a negative return, redacted
 * of the provider's key like everything the invocation hands back. A stopped guest cancels its
 * call, which releases the reservation.
 */
final class LlmFunctions {

  /** The longest request JSON the host reads; a longer range is refused before it is copied. */
  static final int MAX_REQUEST_BYTES = 4 << 20;

  private final Invocation invocation;
  private final LlmGateway gateway;
  private final LlmCapability capability;
  private final Consumer<String> denials;
  private int calls;

  LlmFunctions(
      Invocation invocation,
      LlmGateway gateway,
      LlmCapability capability,
      Consumer<String> denials) {
    this.invocation = invocation;
    this.gateway = gateway;
    this.capability = capability;
    this.denials = denials;
  }

  WasmFunctionHandle complete() {
    return (instance, args) -> {
      Optional<byte[]> raw =
          GuestMemory.read(
              instance.memory(), "llm_complete", (int) args[0], (int) args[1], MAX_REQUEST_BYTES);
      if (raw.isEmpty()) {
        return error(
            AbiError.INVALID_ARGUMENT,
            "the request exceeds " + MAX_REQUEST_BYTES + " bytes",
            OptionalLong.empty());
      }
      ChatRequest request;
      try {
        request = parse(raw.get());
      } catch (IllegalArgumentException e) {
        return error(AbiError.INVALID_ARGUMENT, e.getMessage(), OptionalLong.empty());
      }
      if (++calls > capability.maxCalls()) {
        return error(
            AbiError.REQUEST_LIMIT,
            "the tool made its " + capability.maxCalls() + " allowed llm calls",
            OptionalLong.empty());
      }
      Grant grant = invocation.grant().orElseThrow();
      if (!grant.allows(CapabilityKind.LLM)) {
        denials.accept("grant");
        return error(
            AbiError.DENIED, "the invocation's grant does not name llm", OptionalLong.empty());
      }
      if (!capability.models().contains(request.model())
          || !grant.models().contains(request.model())) {
        denials.accept("model");
        return error(
            AbiError.MODEL_NOT_ALLOWED,
            "model " + request.model() + " is not allowed by both the contract and the grant",
            OptionalLong.empty());
      }
      Cancellation cancellation = new Cancellation();
      LlmOutcome outcome =
          Blocking.await(
              gateway.complete(
                  grant,
                  invocation.context().grantToken().orElseThrow(),
                  request,
                  cancellation,
                  invocation.boundary()),
              cancellation::cancel);
      if (outcome instanceof LlmOutcome.Refused refused) {
        return error(refused.error(), refused.message(), refused.remainingMicros());
      }
      return completed((LlmOutcome.Completed) outcome);
    };
  }

  /**
   * The tool's request, read strictly (a repeated key or a comment is refused, as everywhere the
   * host reads JSON); each refusal names the field, never the host's own types.
   *
   * @throws IllegalArgumentException saying what is wrong
   */
  private ChatRequest parse(byte[] raw) {
    Object parsed;
    try {
      parsed = StrictJson.parse(raw);
    } catch (ApiException e) {
      throw new IllegalArgumentException("the request is not strict JSON: " + e.getMessage());
    }
    if (!(parsed instanceof JsonObject json)) {
      throw new IllegalArgumentException("the request must be a JSON object");
    }
    if (!(json.getValue("model") instanceof String name)) {
      throw new IllegalArgumentException("model must be a string");
    }
    if (!(json.getValue("max_tokens") instanceof Integer max)) {
      throw new IllegalArgumentException("max_tokens must be an integer");
    }
    if (max > capability.maxOutputTokens()) {
      throw new IllegalArgumentException(
          "max_tokens " + max + " exceeds llm.maxOutputTokens " + capability.maxOutputTokens());
    }
    Object listed = json.getValue("messages", new JsonArray());
    if (!(listed instanceof JsonArray given)) {
      throw new IllegalArgumentException("messages must be an array");
    }
    List<ChatMessage> messages = new ArrayList<>();
    for (int i = 0; i < given.size(); i++) {
      if (!(given.getValue(i) instanceof JsonObject message)
          || !(message.getValue("role") instanceof String role)
          || !(message.getValue("content") instanceof String content)) {
        throw new IllegalArgumentException(
            "messages[" + i + "] must be an object with a string role and content");
      }
      messages.add(new ChatMessage(role, content));
    }
    return new ChatRequest(name, messages, max);
  }

  private long[] completed(LlmOutcome.Completed outcome) {
    var completion = outcome.completion();
    JsonObject json =
        new JsonObject()
            .put("model", completion.model())
            .put("content", completion.content())
            .put("finish_reason", completion.finishReason())
            .put(
                "usage",
                new JsonObject()
                    .put("input_tokens", completion.usage().inputTokens())
                    .put("cached_input_tokens", completion.usage().cachedInputTokens())
                    .put("output_tokens", completion.usage().outputTokens()))
            .put("cost_micros", outcome.costMicros())
            .put("remaining_micros", outcome.remainingMicros());
    return Returns.value(invocation.result(json));
  }

  /** Puts the error JSON in the result slot, logs the reason, and returns the code. */
  private long[] error(AbiError error, String message, OptionalLong remaining) {
    JsonObject json = new JsonObject().put("error", error.name()).put("message", message);
    remaining.ifPresent(micros -> json.put("remaining_micros", micros));
    invocation.result(json);
    invocation.log(
        LogLevel.WARN,
        ("llm_complete failed: " + error.name() + ": " + message).getBytes(StandardCharsets.UTF_8));
    return Returns.error(error);
  }
}
