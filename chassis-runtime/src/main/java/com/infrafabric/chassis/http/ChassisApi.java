package com.infrafabric.chassis.http;

import com.infrafabric.chassis.Chassis;
import com.infrafabric.platform.http.ErrorTranslator;
import com.infrafabric.platform.http.OpenApiRoute;
import com.infrafabric.platform.http.Routes;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Every REST route of the chassis. Roles: {@code publisher} registers modules, {@code operator}
 * manages (lists, reads, deletes), {@code agent} reads and invokes the tools its token's {@code
 * tools} claim names, as the tenant its {@code scope} claim names.
 */
public final class ChassisApi {

  public static final String PUBLISHER = "publisher";
  public static final String OPERATOR = "operator";
  public static final String AGENT = "agent";

  private final ToolRoutes tools;
  private final InvocationRoutes invocations;
  private final OpenApiRoute openApi =
      OpenApiRoute.fromResource(ChassisApi.class, "/openapi/chassis.json");

  /**
   * @param chassis the chassis the routes call
   * @param maxInputBytes the largest invocation body; larger ones are answered 413
   * @param meters where the route's own counters go
   */
  public ChassisApi(Chassis chassis, int maxInputBytes, MeterRegistry meters) {
    this.tools = new ToolRoutes(chassis);
    this.invocations = new InvocationRoutes(chassis, maxInputBytes, meters);
  }

  /** How chassis failures are answered; the service that serves these routes must use it. */
  public ErrorTranslator errors() {
    return ChassisErrors::translate;
  }

  public void register(Routes routes) {
    tools.register(routes);
    invocations.register(routes);
    openApi.register(routes);
  }
}
