package com.infrafabric.chassis.http;

import static com.infrafabric.chassis.http.ChassisApi.AGENT;
import static com.infrafabric.chassis.http.ChassisApi.OPERATOR;
import static com.infrafabric.chassis.http.ChassisApi.PUBLISHER;
import static com.infrafabric.platform.http.Responses.respond;

import com.infrafabric.chassis.Chassis;
import com.infrafabric.chassis.ToolRef;
import com.infrafabric.hostapi.contract.ServiceContract;
import com.infrafabric.platform.auth.Access;
import com.infrafabric.platform.auth.Principal;
import com.infrafabric.platform.http.ApiException;
import com.infrafabric.platform.http.ErrorCode;
import com.infrafabric.platform.http.Fields;
import com.infrafabric.platform.http.Requests;
import com.infrafabric.platform.http.Responses;
import com.infrafabric.platform.http.Routes;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The module registry, which every tenant shares: publishers register a module with its signed
 * contract and operators delete tool versions, both with platform tokens; operators and publishers
 * read everything, agents (tenant tokens) only the tools their token grants.
 */
final class ToolRoutes {

  static final String TOOL = "/v1/tools/:name/:version";
  private static final Set<String> REGISTER_FIELDS = Set.of("module_base64", "contract");

  private final Chassis chassis;
  private final long maxRegistrationBytes;

  /**
   * @param maxRegistrationBytes the registration route's body limit: the only route that takes
   *     bodies of megabytes
   */
  ToolRoutes(Chassis chassis, long maxRegistrationBytes) {
    this.chassis = chassis;
    this.maxRegistrationBytes = maxRegistrationBytes;
  }

  void register(Routes routes) {
    Access readers = Access.tenant(AGENT).orPlatform(OPERATOR, PUBLISHER);
    routes
        .withBodyLimit(maxRegistrationBytes)
        .post("/v1/tools", Access.platform(PUBLISHER), this::add);
    routes
        .get("/v1/tools", readers, this::list)
        .get(TOOL, readers, this::get)
        .delete(TOOL, Access.platform(OPERATOR), this::delete);
  }

  /**
   * The tool version named by the route's {@code :name} and {@code :version}, each of the grammar a
   * contract's name and version have: one that is not names no tool, and is refused with 400 before
   * any tool is looked up, unquoted (it may carry any byte).
   */
  static ToolRef ref(RoutingContext ctx) {
    String name = ctx.pathParam("name");
    String version = ctx.pathParam("version");
    if (!ServiceContract.isToolName(name)) {
      throw ApiException.of(
          ErrorCode.INVALID_REQUEST,
          "The path's tool name is not a tool name (" + ServiceContract.NAME_GRAMMAR + ").",
          Map.of("field", "name"));
    }
    if (!ServiceContract.isVersion(version)) {
      throw ApiException.of(
          ErrorCode.INVALID_REQUEST,
          "The path's tool version is not a version (" + ServiceContract.VERSION_GRAMMAR + ").",
          Map.of("field", "version"));
    }
    return new ToolRef(name, version);
  }

  private void add(RoutingContext ctx) {
    Fields body = Fields.of(Requests.jsonBody(ctx), REGISTER_FIELDS);
    byte[] module = decode(body.string("module_base64"));
    respond(
        ctx,
        201,
        chassis.register(module, body.string("contract")),
        tool -> {
          ctx.response().putHeader(HttpHeaders.LOCATION, ToolViews.path(tool));
          return ToolViews.tool(tool);
        });
  }

  /**
   * {@code GET /v1/tools}: one page of the versions the caller may see ({@link ToolListing}); the
   * references come from one Redis read and only the page's versions are read in full.
   */
  private void list(RoutingContext ctx) {
    Principal caller = Requests.principal(ctx);
    ToolListing listing = ToolListing.of(ctx.queryParams());
    respond(
        ctx,
        200,
        chassis
            .refs()
            .compose(
                refs -> {
                  List<ToolRef> selected =
                      listing.select(refs, ref -> AgentTokens.sees(caller, ref));
                  return chassis
                      .describe(listing.page(selected))
                      .map(tools -> ToolViews.tools(tools, listing.nextCursor(selected)));
                }),
        Function.identity());
  }

  private void get(RoutingContext ctx) {
    ToolRef ref = ref(ctx);
    if (!AgentTokens.sees(Requests.principal(ctx), ref)) {
      throw ChassisErrors.notGranted(ref);
    }
    respond(
        ctx,
        200,
        chassis.get(ref),
        found -> ToolViews.tool(found.orElseThrow(() -> ChassisErrors.notFound(ref))));
  }

  private void delete(RoutingContext ctx) {
    ToolRef ref = ref(ctx);
    Responses.deleted(ctx, chassis.delete(ref), () -> ChassisErrors.notFound(ref));
  }

  private static byte[] decode(String base64) {
    try {
      return Base64.getDecoder().decode(base64);
    } catch (IllegalArgumentException e) {
      throw Fields.malformed(
          "module_base64", "is not base64 (RFC 4648 standard alphabet, no line breaks)");
    }
  }
}
