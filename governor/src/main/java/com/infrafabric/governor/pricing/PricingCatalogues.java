package com.infrafabric.governor.pricing;

import com.infrafabric.governor.ErrorCode;
import com.infrafabric.governor.GovernorException;
import com.infrafabric.governor.tenant.ScriptReply;
import com.infrafabric.governor.tenant.Spend;
import com.infrafabric.platform.redis.LuaScript;
import com.infrafabric.platform.redis.RedisStore;
import com.infrafabric.platform.redis.ScriptArgs;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiFunction;
import java.util.function.Supplier;

/**
 * The versioned pricing catalogue, stored in Redis and cached here so that pricing a request costs
 * no round trip. A replace publishes a new version atomically and only if the caller saw the
 * current one; other nodes pick it up on their next {@link #refresh()}. Every ledger entry names
 * the version it was priced with.
 *
 * <p>Every version is kept (a replace never deletes one; each is at most {@link
 * PricingCatalogue#MAX_MODELS} prices, and only a platform admin publishes): a reservation or a
 * claim's lease settles its tokens at the version it was priced at ({@link #settle}), however long
 * it may still be committed (its TTL, then a late commit within the record retention), and the
 * ledger's versions stay readable. Thread-safe.
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

  /**
   * The reply kind of a settling script (a commit, a claim's finish) whose reservation was priced
   * at another catalogue version than its spend; the payload names it ({@code repricing()} in
   * {@code budget_lib.lua}).
   */
  public static final String REPRICE = "reprice";

  private final RedisStore redis;
  private final AtomicReference<PricingCatalogue> current =
      new AtomicReference<>(PricingCatalogue.EMPTY);
  // Versions are immutable: the earlier one last read, which commits after a replace mostly ask
  // for.
  private final AtomicReference<PricingCatalogue> earlier =
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
   * Runs a script that settles a reservation with {@code spend} (given the priced spend and the
   * version it was priced for, '' at first), priced at the catalogue version the reservation was
   * priced at: first on the current catalogue ({@link PricedSpend#ofOrUnpriced}), which is the
   * reservation's unless a replace came in between; if the script answers {@link #REPRICE}, once
   * more priced at the version it names (0: the current catalogue, for a reservation of a fixed
   * amount). A model that version does not list (it was added since) is priced on the current
   * catalogue.
   *
   * @throws com.infrafabric.governor.GovernorException as {@link PricedSpend#of} for a spend no
   *     catalogue involved can price (the future fails with it when it is found on the retry)
   */
  public Future<ScriptReply> settle(
      Spend spend, BiFunction<PricedSpend, String, Future<ScriptReply>> script) {
    return script
        .apply(PricedSpend.ofOrUnpriced(spend, get()), "")
        .compose(
            reply -> {
              if (!REPRICE.equals(reply.kind())) {
                return Future.succeededFuture(reply);
              }
              return version(Long.parseLong(reply.payload()))
                  .compose(
                      catalogue ->
                          script.apply(
                              PricedSpend.of(spend, pricedBy(spend, catalogue)), reply.payload()));
            });
  }

  /**
   * The catalogue at {@code version}: the current one for 0 or its own version, else read from
   * Redis (every version is kept).
   */
  public Future<PricingCatalogue> version(long version) {
    PricingCatalogue now = get();
    PricingCatalogue last = earlier.get();
    if (version == 0 || version == now.version()) {
      return Future.succeededFuture(now);
    }
    if (version == last.version()) {
      return Future.succeededFuture(last);
    }
    String key = HISTORY_PREFIX + version;
    return redis
        .send(key, Request.cmd(Command.GET).arg(key))
        .map(
            reply -> {
              if (reply == null) {
                throw new IllegalStateException(
                    "pricing catalogue version " + version + " is missing from " + key);
              }
              PricingCatalogue read =
                  PricingCatalogue.of(version, fromJson(new JsonArray(reply.toString())));
              earlier.set(read);
              return read;
            });
  }

  /** {@code catalogue}, or the current one if only the current one lists the spend's model. */
  private PricingCatalogue pricedBy(Spend spend, PricingCatalogue catalogue) {
    if (spend instanceof Spend.Metered metered
        && !catalogue.lists(metered.model())
        && get().lists(metered.model())) {
      return get();
    }
    return catalogue;
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
