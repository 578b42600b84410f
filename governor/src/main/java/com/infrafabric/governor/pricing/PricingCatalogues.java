package com.infrafabric.governor.pricing;

import com.infrafabric.governor.ErrorCode;
import com.infrafabric.governor.GovernorException;
import com.infrafabric.platform.redis.LuaScript;
import com.infrafabric.platform.redis.RedisStore;
import com.infrafabric.platform.redis.ScriptArgs;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * The versioned pricing catalogue, stored in Redis (every version is kept) and cached here so that
 * pricing a request costs no round trip. A replace publishes a new version atomically and only if
 * the caller saw the current one; other nodes pick it up on their next {@link #refresh()}. Every
 * ledger entry names the version it was priced with. Thread-safe.
 */
public final class PricingCatalogues implements Supplier<PricingCatalogue> {

  static final LuaScript READ =
      LuaScript.fromResource(PricingCatalogues.class, "governor/pricing/read_pricing");
  static final LuaScript REPLACE =
      LuaScript.fromResource(
          PricingCatalogues.class,
          "governor/pricing/replace_pricing",
          ScriptArgs.of("expected_version", "models"));
  public static final List<LuaScript> SCRIPTS = List.of(READ, REPLACE);

  private static final String VERSION_KEY = "gov:{pricing}:version";
  private static final String HISTORY_PREFIX = "gov:{pricing}:v:";

  private final RedisStore redis;
  private final AtomicReference<PricingCatalogue> current =
      new AtomicReference<>(PricingCatalogue.EMPTY);

  public PricingCatalogues(RedisStore redis) {
    this.redis = redis;
  }

  /** The catalogue as last loaded; {@link PricingCatalogue#EMPTY} before the first load. */
  @Override
  public PricingCatalogue get() {
    return current.get();
  }

  /** Loads the current version from Redis if it is newer than the cached one. */
  public Future<PricingCatalogue> refresh() {
    return redis.eval(READ, List.of(VERSION_KEY, HISTORY_PREFIX), List.of()).map(this::cache);
  }

  /**
   * Publishes {@code prices} as the next version.
   *
   * @param expectedVersion the version the caller based its change on, or -1 to replace whatever is
   *     current
   * @return the published catalogue; fails with {@code VERSION_CONFLICT} if another version was
   *     published in between, or {@code INVALID_PRICING} for no prices at all (a catalogue that
   *     prices nothing refuses every LLM call, which no operator means by an edit)
   */
  public Future<PricingCatalogue> replace(Collection<ModelPrice> prices, long expectedVersion) {
    if (prices.isEmpty()) {
      return Future.failedFuture(
          new GovernorException(
              ErrorCode.INVALID_PRICING,
              "a catalogue prices at least one model: an empty one would refuse every LLM call",
              Map.of("field", "models")));
    }
    PricingCatalogue draft = PricingCatalogue.of(0, prices);
    String json = toJson(draft.models().values()).encode();
    return redis
        .eval(
            REPLACE,
            List.of(VERSION_KEY, HISTORY_PREFIX),
            REPLACE
                .args()
                .values()
                .put("expected_version", expectedVersion)
                .put("models", json)
                .list())
        .map(
            reply -> {
              long version = reply.get(1).toLong();
              if ("conflict".equals(reply.get(0).toString())) {
                throw new GovernorException(
                    ErrorCode.VERSION_CONFLICT,
                    "pricing catalogue is at version "
                        + version
                        + ", not the expected "
                        + expectedVersion,
                    Map.of("current_version", version));
              }
              return install(new PricingCatalogue(version, draft.models()));
            });
  }

  /** JSON form used in Redis and by the REST API: {@code [{model, input_per_million, ...}]}. */
  public static JsonArray toJson(Collection<ModelPrice> prices) {
    JsonArray array = new JsonArray();
    for (ModelPrice price : prices) {
      array.add(
          new JsonObject()
              .put("model", price.model())
              .put("input_per_million", price.inputPerMillion())
              .put("cached_input_per_million", price.cachedInputPerMillion())
              .put("output_per_million", price.outputPerMillion()));
    }
    return array;
  }

  /**
   * Parses the JSON form; every field is required and validated.
   *
   * @throws GovernorException {@code INVALID_PRICING} naming the entry and field at fault
   */
  public static List<ModelPrice> fromJson(JsonArray array) {
    List<ModelPrice> prices = new ArrayList<>(array.size());
    for (int i = 0; i < array.size(); i++) {
      if (!(array.getValue(i) instanceof JsonObject entry)) {
        throw invalid("models[" + i + "] must be an object");
      }
      if (!(entry.getValue("model") instanceof String model)) {
        throw invalid("models[" + i + "].model must be a string");
      }
      prices.add(
          new ModelPrice(
              model,
              price(entry, i, "input_per_million"),
              price(entry, i, "cached_input_per_million"),
              price(entry, i, "output_per_million")));
    }
    return prices;
  }

  private static long price(JsonObject entry, int index, String field) {
    Object value = entry.getValue(field);
    if (value instanceof Integer || value instanceof Long) {
      return ((Number) value).longValue();
    }
    throw invalid("models[" + index + "]." + field + " must be an integer (micro-dollars)");
  }

  private static GovernorException invalid(String message) {
    return new GovernorException(ErrorCode.INVALID_PRICING, message);
  }

  private PricingCatalogue cache(Response reply) {
    long version = reply.get(0).toLong();
    if (version == 0 || version <= current.get().version()) {
      return current.get();
    }
    return install(PricingCatalogue.of(version, fromJson(new JsonArray(reply.get(1).toString()))));
  }

  private PricingCatalogue install(PricingCatalogue catalogue) {
    return current.accumulateAndGet(
        catalogue, (old, candidate) -> candidate.version() > old.version() ? candidate : old);
  }
}
