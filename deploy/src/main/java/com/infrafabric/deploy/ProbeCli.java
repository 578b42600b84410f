package com.infrafabric.deploy;

import com.infrafabric.deploy.cli.BuildVersion;
import com.infrafabric.deploy.cli.CliContext;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code infrafabric probe URL...}: the container health check. The image has no shell and no curl,
 * only this runtime, so a Compose {@code healthcheck} (or any exec probe) runs the distribution
 * itself to ask the services' unauthenticated {@code /health/ready}.
 */
@Command(
    name = "probe",
    mixinStandardHelpOptions = true,
    versionProvider = BuildVersion.class,
    description = {
      "GET each URL without a token; exit 0 only if every one answers 200 within 5 s.",
      "For health checks: infrafabric probe http://127.0.0.1:8080/health/ready"
    })
final class ProbeCli implements Callable<Integer> {

  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  private final CliContext context;

  @Parameters(arity = "1..*", paramLabel = "URL")
  private List<URI> urls;

  ProbeCli(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() throws InterruptedException {
    HttpClient client = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    int failed = 0;
    for (URI url : urls) {
      String problem = problem(client, url);
      if (problem != null) {
        context.err().println("infrafabric: " + url + " " + problem);
        failed++;
      }
    }
    return failed == 0 ? 0 : 1;
  }

  /**
   * Null when {@code url} answered 200, body and all, within {@link #TIMEOUT}; otherwise what it
   * did instead. The request's own timeout covers only the head: a body that trickles in would hold
   * the probe for as long as the server kept sending.
   */
  private static String problem(HttpClient client, URI url) throws InterruptedException {
    HttpRequest request = HttpRequest.newBuilder(url).timeout(TIMEOUT).GET().build();
    CompletableFuture<HttpResponse<Void>> answer =
        client.sendAsync(request, HttpResponse.BodyHandlers.discarding());
    try {
      int status = answer.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).statusCode();
      return status == 200 ? null : "answered " + status;
    } catch (TimeoutException e) {
      answer.cancel(true);
      return "did not answer within " + TIMEOUT.toSeconds() + " s";
    } catch (ExecutionException e) {
      return "did not answer (" + e.getCause().getClass().getSimpleName() + ")";
    }
  }
}
