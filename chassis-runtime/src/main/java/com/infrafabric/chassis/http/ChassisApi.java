package com.infrafabric.chassis.http;

import com.infrafabric.chassis.Chassis;
import com.infrafabric.chassis.credential.CredentialVault;
import com.infrafabric.hostapi.contract.ResourceLimits;
import com.infrafabric.platform.http.ErrorTranslator;
import com.infrafabric.platform.http.OpenApiRoute;
import com.infrafabric.platform.http.Routes;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.util.Optional;

/**
 * Every REST route of the chassis. Roles on platform tokens (no {@code scope} claim), for what
 * every tenant shares: {@code publisher} registers modules, {@code operator} manages tools (lists,
 * reads, deletes), the credential vault and metrics. On tenant tokens: {@code agent} reads and
 * invokes the tools its token's {@code tools} claim names, as the tenant its {@code scope} claim
 * names. See {@link com.infrafabric.platform.auth.Access}.
 */
public final class ChassisApi {

  public static final String PUBLISHER = "publisher";
  public static final String OPERATOR = "operator";
  public static final String AGENT = "agent";

  private final WorkerExecutor renderers;
  private final ToolRoutes tools;
  private final InvocationRoutes invocations;
  private final CredentialRoutes credentials;
  private final OpenApiRoute openApi =
      OpenApiRoute.fromResource(ChassisApi.class, "/openapi/chassis.json");

  /**
   * @param vertx where big invocation answers are rendered off the event loop
   * @param chassis the chassis the routes call
   * @param caps the operator's caps on contract limits, which bound every invocation answer
   * @param vault the chassis's credential vault; empty when it has no master keys, and then the
   *     credential routes answer 409 {@code VAULT_NOT_CONFIGURED}
   * @param maxRegistrationBytes the largest registration body (a module in base64 with its
   *     contract); larger ones are answered 413
   * @param maxInputBytes the largest invocation body; larger ones are answered 413
   * @param live where running invocations are held, so that a shutdown ends them answered
   * @param meters where the route's own counters go
   */
  public ChassisApi(
      Vertx vertx,
      Chassis chassis,
      ResourceLimits caps,
      Optional<CredentialVault> vault,
      long maxRegistrationBytes,
      int maxInputBytes,
      LiveInvocations live,
      MeterRegistry meters) {
    this.renderers =
        vertx.createSharedWorkerExecutor("chassis-answers", InvocationRoutes.RENDER_THREADS);
    this.tools = new ToolRoutes(chassis, maxRegistrationBytes);
    this.invocations =
        new InvocationRoutes(
            chassis,
            maxInputBytes,
            new InvocationView(caps.outputMaxBytes(), caps.logMaxBytes()),
            renderers,
            live,
            meters);
    this.credentials = new CredentialRoutes(vault);
  }

  /** How chassis failures are answered; the service that serves these routes must use it. */
  public ErrorTranslator errors() {
    return ChassisErrors::translate;
  }

  /** Releases the threads that render big answers; call once the routes stopped serving. */
  public Future<Void> close() {
    return renderers.close();
  }

  public void register(Routes routes) {
    tools.register(routes);
    invocations.register(routes);
    credentials.register(routes);
    openApi.register(routes);
  }
}
