package com.infrafabric.governor.gateway;

import com.infrafabric.governor.tenant.TokenUsage;
import com.infrafabric.llm.ProviderFormat;
import com.infrafabric.llm.ProviderPaths;
import com.infrafabric.llm.ReportedUsage;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/**
 * Anthropic's {@code POST /v1/messages}. A stream reports its input in {@code message_start} and
 * its output, cumulatively, in {@code message_delta}; {@code message_stop} ends it. Only a request
 * of {@link AnthropicMessagesShape} is served.
 */
final class AnthropicMessagesWire implements Wire {

  /** The numeric sampling fields, with the ranges of Anthropic's API reference. */
  private static final List<RequestFields.Range> RANGES =
      List.of(
          RequestFields.Range.decimal("temperature", 0, 1),
          RequestFields.Range.decimal("top_p", 0, 1),
          RequestFields.Range.whole("top_k", 0, Integer.MAX_VALUE));

  /**
   * A cache breakpoint's kind and lifetimes, as Anthropic's reference lists them: each lifetime
   * bills its write at its own price ({@link CacheWrite}), so one Anthropic may add later would be
   * priced as neither. Checked where Anthropic reads a breakpoint: a block, a tool's result's
   * block, a system block, a tool.
   */
  private static final List<RequestFields.Choice> CACHE_CONTROL =
      List.of(
          RequestFields.Choice.of("type", "ephemeral"), RequestFields.Choice.of("ttl", "5m", "1h"));

  /**
   * The most input tokens of the system prompt Anthropic adds to a request with tools: the largest
   * its tool use pricing lists (530, Claude 3 Opus with {@code tool_choice} {@code auto} or {@code
   * none}; 346 for the Claude 4 models). It is billed as input, but is not in the request's bytes.
   */
  static final long TOOL_PROMPT_TOKENS = 530;

  @Override
  public ProviderFormat format() {
    return ProviderFormat.ANTHROPIC;
  }

  @Override
  public String upstreamPath() {
    return ProviderPaths.MESSAGES;
  }

  @Override
  public CallRequest read(
      JsonObject body, Buffer bytes, MultiMap headers, GatewaySettings settings) {
    String model = RequestFields.model(body);
    RequestFields.requireMessages(body);
    AnthropicMessagesShape.REQUEST.check(body, "");
    List<JsonObject> breakpoints = cacheBreakpoints(body);
    RANGES.forEach(range -> range.check(body));
    long maxTokens =
        RequestFields.maxTokens(body, "max_tokens", settings)
            .orElse(settings.defaultMaxOutputTokens());
    return new CallRequest(
        model,
        RequestFields.stream(body),
        maxTokens,
        1,
        worstCaseInputTokens(body, bytes.length(), CacheWrite.dearestOf(breakpoints)),
        body,
        bytes,
        AnthropicHeaders.upstream(headers, settings.allowedAnthropicBetas()));
  }

  /**
   * An upper bound of what the prompt is billed as input tokens: every byte of the body a token,
   * and the tools' system prompt ({@link #TOOL_PROMPT_TOKENS}) when there are tools, all of it
   * weighted by the dearest cache write the request asks for. Anthropic bills a write to the hour's
   * cache twice the input price and one to the five-minute cache 1.25 times ({@link
   * ReportedUsage#anthropicCacheWrites} counts them the same way), so a prompt that marks a cache
   * breakpoint may cost up to twice its tokens at the input price.
   */
  private static long worstCaseInputTokens(JsonObject body, long bytes, CacheWrite dearest) {
    Object tools = body.getValue("tools");
    long tokens =
        bytes + (tools instanceof JsonArray list && !list.isEmpty() ? TOOL_PROMPT_TOKENS : 0);
    return dearest.weigh(tokens);
  }

  /**
   * A write to the prompt cache a request may ask for (a {@code cache_control}), cheapest first,
   * with the input price it bills, as a fraction.
   */
  private enum CacheWrite {
    NONE(1, 1),
    FIVE_MINUTES(5, 4),
    HOUR(2, 1);

    private final long times;
    private final long per;

    CacheWrite(long times, long per) {
      this.times = times;
      this.per = per;
    }

    /** {@code tokens} at this write's price, in input tokens, rounded up. */
    long weigh(long tokens) {
      return Math.addExact(Math.multiplyExact(tokens, times), per - 1) / per;
    }

    /**
     * The dearest write {@code breakpoints} (checked {@code cache_control}s) ask for: {@code ttl}
     * {@code 1h} the hour's cache, else the five-minute default.
     */
    static CacheWrite dearestOf(List<JsonObject> breakpoints) {
      CacheWrite dearest = NONE;
      for (JsonObject control : breakpoints) {
        dearest = dearest.or("1h".equals(control.getValue("ttl")) ? HOUR : FIVE_MINUTES);
      }
      return dearest;
    }

    private CacheWrite or(CacheWrite other) {
      return compareTo(other) >= 0 ? this : other;
    }
  }

  /**
   * The cache breakpoints where Anthropic reads one (a block, a tool result's block, a system
   * block, a tool), each checked against {@link #CACHE_CONTROL}.
   */
  private static List<JsonObject> cacheBreakpoints(JsonObject body) {
    List<JsonObject> found = new ArrayList<>();
    BiConsumer<JsonObject, String> take =
        (part, at) -> {
          if (part.getValue("cache_control") instanceof JsonObject control) {
            for (RequestFields.Choice choice : CACHE_CONTROL) {
              choice.checkValue(
                  control.getValue(choice.field()), at + ".cache_control." + choice.field());
            }
            found.add(control);
          }
        };
    RequestFields.each(
        body.getValue("messages"),
        "messages",
        (message, at) ->
            RequestFields.each(
                message.getValue("content"),
                at + ".content",
                (block, blockAt) -> {
                  take.accept(block, blockAt);
                  RequestFields.each(block.getValue("content"), blockAt + ".content", take);
                }));
    RequestFields.each(body.getValue("system"), "system", take);
    RequestFields.each(body.getValue("tools"), "tools", take);
    return found;
  }

  @Override
  public Buffer upstreamBody(CallRequest call, String model) {
    return call.upstream(Map.of("model", model, "max_tokens", call.maxOutputTokens()));
  }

  @Override
  public Optional<TokenUsage> usage(JsonObject reported) {
    return Usages.read(() -> ReportedUsage.anthropic(reported));
  }

  @Override
  public StreamMeter meter(CallRequest call) {
    return new Meter();
  }

  /**
   * Reads the input (with its cached parts) from {@code message_start}, where the provider reports
   * it before any output, and the output from {@code message_delta}, once it is made; a {@code
   * message_delta} that counts any part of the input again ({@code input_tokens}, {@code
   * cache_creation_input_tokens} with its {@code cache_creation} split, {@code
   * cache_read_input_tokens}, each of which it may carry alone) is a later count of that part: the
   * prompt is charged the largest report of each (a cache write reported only in {@code
   * message_delta} was charged as no write). The {@code output_tokens} of {@code message_start} is
   * not read: it is counted before the answer. Any event but a {@code message_delta}, {@code
   * message_stop} or {@code ping} may carry output that no earlier count has ({@link
   * StreamUsage#produced}). Counts are cumulative, so a later one is never smaller; each part is
   * charged the largest reported, and a count that cannot be read is no report of its part ({@link
   * StreamUsage}); a usage whose counts contradict each other is no report of any part, as in a
   * whole answer ({@link Usages#contradicts}).
   */
  private static final class Meter implements StreamMeter {

    /** The events that carry no output. */
    private static final Set<String> WITHOUT_OUTPUT =
        Set.of("message_delta", "message_stop", "ping");

    private static final long UNREPORTED = -1;

    private final StreamUsage reported = new StreamUsage();

    /** The largest of each part of the prompt reported; the uncached input once it is. */
    private long input = UNREPORTED;

    private long cacheWrites;
    private long cacheReads;

    @Override
    public boolean event(JsonObject data) {
      Object type = data.getValue("type");
      if (!(type instanceof String named && WITHOUT_OUTPUT.contains(named))) {
        reported.produced();
      }
      if ("message_start".equals(type)) {
        Object message = data.getValue("message");
        Object usage = message instanceof JsonObject start ? start.getValue("usage") : message;
        if (!(usage instanceof JsonObject counts && contradicted(counts))) {
          input(usage);
        }
      } else if ("message_delta".equals(type)) {
        Object usage = data.getValue("usage");
        if (usage instanceof JsonObject counts) {
          if (!contradicted(counts)) {
            input(counts);
            output(counts);
          }
        } else if (usage != null) {
          reported.output(Optional.empty());
        }
      }
      return true;
    }

    /**
     * True if {@code counts} contradict each other ({@link Usages#contradicts}), which makes the
     * whole stream's report none: a {@code message_delta} whose cache split does not add up voided
     * the prompt alone, and its output was charged as reported.
     */
    private boolean contradicted(JsonObject counts) {
      boolean contradicted = Usages.contradicts(ProviderFormat.ANTHROPIC, counts);
      if (contradicted) {
        reported.all(Optional.empty());
      }
      return contradicted;
    }

    /** Reads {@code usage}'s input, if it has one; a usage that is not an object is unread. */
    private void input(Object usage) {
      if (!(usage instanceof JsonObject counts)) {
        if (usage != null) {
          reported.prompt(Optional.empty());
        }
        return;
      }
      Optional<Long> uncached = tokens(() -> ReportedUsage.countOrZero(counts, "input_tokens"));
      Optional<Long> writes = tokens(() -> ReportedUsage.anthropicCacheWrites(counts));
      Optional<Long> reads =
          tokens(() -> ReportedUsage.countOrZero(counts, "cache_read_input_tokens"));
      if (uncached.isEmpty() || writes.isEmpty() || reads.isEmpty()) {
        reported.prompt(Optional.empty());
        return;
      }
      if (counts.containsKey("input_tokens")) {
        input = Math.max(input, uncached.get());
      }
      cacheWrites = Math.max(cacheWrites, writes.get());
      cacheReads = Math.max(cacheReads, reads.get());
      if (input != UNREPORTED) {
        reported.prompt(
            Usages.read(
                () ->
                    new com.infrafabric.wire.reservation.TokenUsage(
                        Math.addExact(input, cacheWrites), cacheReads, 0)));
      }
    }

    /** One count, read as {@link Usages#read} reads a usage: empty if it cannot be charged. */
    private static Optional<Long> tokens(Supplier<Long> count) {
      return Usages.read(() -> new com.infrafabric.wire.reservation.TokenUsage(count.get(), 0, 0))
          .map(TokenUsage::inputTokens);
    }

    private void output(JsonObject usage) {
      if (usage.containsKey("output_tokens")) {
        reported.output(
            Usages.read(
                () ->
                    new com.infrafabric.wire.reservation.TokenUsage(
                        0, 0, ReportedUsage.count(usage, "output_tokens"))));
      }
    }

    @Override
    public void unreadable() {
      reported.all(Optional.empty());
    }

    @Override
    public Charge charge(TokenUsage bound, boolean completed) {
      return reported.charge(bound, completed);
    }
  }
}
