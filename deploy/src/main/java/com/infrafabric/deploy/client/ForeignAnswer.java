package com.infrafabric.deploy.client;

import java.net.URI;
import java.util.Locale;

/**
 * The server a client command reached answered, but not as the InfraFabric service the command
 * talks to: a 2xx that is not JSON (a web page, a proxy's placeholder), or JSON that lacks a field
 * the command reads. The launcher prints it as the command's one line (exit status 1); without it
 * such an answer printed an empty table or {@code null} and exited 0, as if the service had agreed.
 */
public final class ForeignAnswer extends RuntimeException {

  private static final long serialVersionUID = 1L;

  ForeignAnswer(URI server, Service service, String detail) {
    super(
        "the server at "
            + server
            + " did not answer as an InfraFabric "
            + service.name().toLowerCase(Locale.ROOT)
            + ": "
            + detail);
  }
}
