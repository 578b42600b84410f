package com.infrafabric.platform.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.platform.auth.Access;
import com.infrafabric.platform.http.RouteDescriptor;
import com.infrafabric.platform.http.WireDialect;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.DynamicTest;

/**
 * A service's access-matrix test, generated from its own route table: every route the service
 * serves ({@code HttpService.routes()}) must have exactly one {@link Row}, so a route added without
 * its row fails the test. Each row is then called with a token of every role alone, of no role and
 * of all roles at once, in every {@link Relation} to what the request names (own subtree, an
 * ancestor's, a child's, a sibling's, another tenant's, no scope), and must answer:
 *
 * <ul>
 *   <li>allowed (the row's expected {@link Access} grants the roles on that kind of token, and the
 *       target lies within the caller's subtree, or a platform token on a route that grants one): a
 *       2xx;
 *   <li>refused: 403 {@code FORBIDDEN} (or, for a row whose objects are found by the script, the
 *       row's not-found code for a parent or sibling subtree of the same tenant), with the store
 *       unchanged ({@link StoreDigest});
 *   <li>no token: 401.
 * </ul>
 *
 * <p>Each call is prepared afresh ({@link Row#prepare}), so a row may create what it acts on (a
 * reservation, a lease, an agent) before every caller tries it.
 */
public final class AccessMatrix {

  /** How a caller's token relates to what the request names. */
  public enum Relation {
    /** The token's scope is the target itself (a tenant route: the whole tenant). */
    OWN,
    /**
     * The token is confined to the target's parent, so the target lies within its subtree (for a
     * whole tenant, which has no parent: the tenant itself).
     */
    ANCESTOR,
    /** The token is confined to a child of the target: the target is its parent. */
    PARENT,
    /** The token is confined to a sibling of the target (for a tenant: another tenant). */
    SIBLING,
    /** The token is confined to the same path in another tenant. */
    OTHER_TENANT,
    /** A platform token: no scope claim at all. */
    NO_SCOPE
  }

  /** What a request acts on, which decides the callers' scopes and who may act. */
  public sealed interface Target {

    /** A scope the request names; a one-segment scope is a whole tenant. */
    static Target scope(String path) {
      return new InScope(path);
    }

    /**
     * A scope only callers confined above it may act on, as a subtree's caps are its parent's to
     * set; a whole tenant, which has no parent, its own callers too.
     */
    static Target below(String path) {
      return new Below(path);
    }

    /** Nothing tenant-specific: global state, or none at all. */
    static Target global() {
      return new Global();
    }

    /** The caller's own tenant: the request names none, the token's scope decides. */
    static Target callersOwn() {
      return new CallersOwn();
    }

    record InScope(String path) implements Target {}

    record Below(String path) implements Target {}

    record Global() implements Target {}

    record CallersOwn() implements Target {}
  }

  /** A request ready to be sent; {@code token} is null for an anonymous one. */
  @FunctionalInterface
  public interface Call {
    HttpResponse<String> send(String token);
  }

  /** Mints a token with {@code roles}, confined to {@code scope} or a platform token (null). */
  @FunctionalInterface
  public interface Tokens {
    String mint(Set<String> roles, String scope);
  }

  /**
   * One route's expectations.
   *
   * @param endpoint {@code METHOD /path/:template} as the route table names it
   * @param target what the request acts on
   * @param expected who may call it, stated independently of the route's declaration
   * @param prepare makes a fresh request (creating what it acts on first)
   * @param hiddenAs the not-found code a caller of the same tenant outside the target's subtree
   *     gets, for a row whose object only the script can place; null for none
   */
  public record Row(
      String endpoint, Target target, Access expected, Supplier<Call> prepare, String hiddenAs) {

    public Row {
      Objects.requireNonNull(endpoint, "endpoint");
      Objects.requireNonNull(target, "target");
      Objects.requireNonNull(expected, "expected");
      Objects.requireNonNull(prepare, "prepare");
    }
  }

  private final List<RouteDescriptor> served;
  private final Set<String> roles;
  private final Tokens tokens;
  private final Supplier<String> state;
  private final String home;
  private final Map<String, Row> rows = new LinkedHashMap<>();
  private final List<String> anonymousRoutes =
      new ArrayList<>(List.of("GET /health/live", "GET /health/ready"));

  /**
   * @param served the service's route table
   * @param roles every role the service knows
   * @param tokens mints the callers' tokens
   * @param state a digest of the store (see {@link StoreDigest})
   * @param home the scope callers of rows that name none are confined to (two segments)
   */
  public AccessMatrix(
      List<RouteDescriptor> served,
      Set<String> roles,
      Tokens tokens,
      Supplier<String> state,
      String home) {
    this.served = List.copyOf(served);
    this.roles = Set.copyOf(roles);
    this.tokens = tokens;
    this.state = state;
    this.home = home;
  }

  public AccessMatrix row(String endpoint, Target target, Access expected, Supplier<Call> prepare) {
    return add(new Row(endpoint, target, expected, prepare, null));
  }

  /** A row whose objects outside the caller's subtree are reported as not found ({@code code}). */
  public AccessMatrix hiddenRow(
      String endpoint, Target target, Access expected, String code, Supplier<Call> prepare) {
    return add(new Row(endpoint, target, expected, prepare, code));
  }

  private AccessMatrix add(Row row) {
    if (rows.putIfAbsent(row.endpoint(), row) != null) {
      throw new IllegalArgumentException("two rows for " + row.endpoint());
    }
    return this;
  }

  /**
   * Declares a route served without a token besides liveness, e.g. a discovery document; the
   * completeness check then expects exactly these anonymous routes.
   */
  public AccessMatrix anonymous(String endpoint) {
    anonymousRoutes.add(endpoint);
    return this;
  }

  /** The completeness check, then one test per row. */
  public Stream<DynamicTest> tests() {
    DynamicTest complete =
        DynamicTest.dynamicTest("every served route has exactly one row", this::checkComplete);
    return Stream.concat(
        Stream.of(complete),
        rows.values().stream()
            .map(row -> DynamicTest.dynamicTest(row.endpoint(), () -> check(row))));
  }

  private void checkComplete() {
    Map<String, Access> declared = new LinkedHashMap<>();
    List<String> anonymous = new ArrayList<>();
    for (RouteDescriptor route : served) {
      String endpoint = route.method().name() + " " + route.path();
      if (route.anonymous()) {
        anonymous.add(endpoint);
      } else {
        declared.put(endpoint, route.access());
      }
    }
    assertThat(anonymous).as("anonymous routes").containsExactlyElementsOf(anonymousRoutes);
    assertThat(new TreeSet<>(rows.keySet()))
        .as("rows of the access matrix")
        .isEqualTo(new TreeSet<>(declared.keySet()));
    SoftAssertions soft = new SoftAssertions();
    rows.values()
        .forEach(
            row ->
                soft.assertThat(declared.get(row.endpoint()))
                    .as("declared access of " + row.endpoint())
                    .isEqualTo(row.expected()));
    soft.assertAll();
  }

  private void check(Row row) {
    SoftAssertions soft = new SoftAssertions();
    HttpResponse<String> anonymous = row.prepare().get().send(null);
    soft.assertThat(anonymous.statusCode()).as("no token: " + anonymous.body()).isEqualTo(401);
    for (Set<String> holding : roleSets()) {
      for (Relation relation : Relation.values()) {
        check(row, holding, relation, soft);
      }
    }
    soft.assertAll();
  }

  private void check(Row row, Set<String> holding, Relation relation, SoftAssertions soft) {
    Call call = row.prepare().get();
    String before = state.get();
    HttpResponse<String> response = call.send(tokens.mint(holding, scope(row.target(), relation)));
    String what = row.endpoint() + " as " + holding + " " + relation + ": " + response.body();
    if (allowed(row, holding, relation)) {
      soft.assertThat(response.statusCode() / 100).as(what).isEqualTo(2);
      return;
    }
    soft.assertThat(refusalCode(response)).as(what).isIn(refusals(row, holding, relation));
    soft.assertThat(state.get()).as("store unchanged after " + what).isEqualTo(before);
  }

  /** Each role alone, no role, and all of them at once. */
  private List<Set<String>> roleSets() {
    List<Set<String>> sets = new ArrayList<>();
    new TreeSet<>(roles).forEach(role -> sets.add(Set.of(role)));
    sets.add(Set.of());
    sets.add(roles);
    return sets;
  }

  private static boolean allowed(Row row, Set<String> holding, Relation relation) {
    Access access = row.expected();
    if (access.anyToken()) {
      return true;
    }
    boolean confined = relation != Relation.NO_SCOPE;
    Set<String> honoured = confined ? access.tenantRoles() : access.platformRoles();
    if (Collections.disjoint(honoured, holding)) {
      return false;
    }
    if (confined && row.target() instanceof Target.Below below) {
      return relation == Relation.ANCESTOR
          || (relation == Relation.OWN && !below.path().contains("/"));
    }
    return !confined
        || !(row.target() instanceof Target.InScope)
        || relation == Relation.OWN
        || relation == Relation.ANCESTOR;
  }

  /**
   * What a refused call may answer: 403 {@code FORBIDDEN}; and the row's not-found code when a
   * caller the route let through is confined to another part of the same tenant.
   */
  private static Set<String> refusals(Row row, Set<String> holding, Relation relation) {
    boolean sameTenant = relation == Relation.PARENT || relation == Relation.SIBLING;
    boolean pastTheRoute = !Collections.disjoint(row.expected().tenantRoles(), holding);
    if (row.hiddenAs() != null && sameTenant && pastTheRoute) {
      return Set.of("403 FORBIDDEN", "404 " + row.hiddenAs());
    }
    return Set.of("403 FORBIDDEN");
  }

  /**
   * The status and the stable code: the platform's error body's, or, for a route that speaks a
   * foreign dialect, the {@link WireDialect#ERROR_CODE_HEADER} header's.
   */
  private static String refusalCode(HttpResponse<String> response) {
    var header = response.headers().firstValue(WireDialect.ERROR_CODE_HEADER);
    if (header.isPresent()) {
      return response.statusCode() + " " + header.get();
    }
    try {
      return response.statusCode() + " " + new JsonObject(response.body()).getString("code");
    } catch (RuntimeException notAnError) {
      return response.statusCode() + " (not an error body)";
    }
  }

  /** The scope of a caller in {@code relation} to {@code target}; null for a platform token. */
  private String scope(Target target, Relation relation) {
    String path = home;
    if (target instanceof Target.InScope in) {
      path = in.path();
    } else if (target instanceof Target.Below below) {
      path = below.path();
    }
    int slash = path.indexOf('/');
    String tenant = slash < 0 ? path : path.substring(0, slash);
    String rest = slash < 0 ? "" : path.substring(slash);
    return switch (relation) {
      case OWN -> path;
      case ANCESTOR -> slash < 0 ? path : path.substring(0, path.lastIndexOf('/'));
      case PARENT -> path + "/matrix-child";
      case SIBLING ->
          slash < 0
              ? path + "-sibling"
              : path.substring(0, path.lastIndexOf('/')) + "/matrix-sibling";
      case OTHER_TENANT -> "other-" + tenant + rest;
      case NO_SCOPE -> null;
    };
  }
}
