package com.infrafabric.deploy.cli;

import com.infrafabric.chassis.ModuleCaps;
import com.infrafabric.platform.http.HttpSettings;
import io.vertx.core.http.HttpServerOptions;

/**
 * The most a file the caller names may hold, per kind of input: what the service it goes to takes
 * by default, so a file the service would refuse is refused before it is read whole or sent.
 */
public enum InputCap {
  /** A WebAssembly module: the chassis's {@link ModuleCaps#maxModuleBytes()}. */
  MODULE("a module", ModuleCaps.defaults().maxModuleBytes()),
  /**
   * A document sent in a request body (a contract, a grant, a secret): the services' {@link
   * HttpSettings#maxBodyBytes()}, which the whole body must fit in.
   */
  DOCUMENT("a request body", HttpSettings.defaults().maxBodyBytes()),
  /** A token, sent in a header: the most header bytes the services' HTTP server reads. */
  TOKEN("a token", HttpServerOptions.DEFAULT_MAX_HEADER_SIZE),
  /**
   * A private JWK set, which holds one EC key (a few hundred bytes): no service reads it, so the
   * cap is the one a token has, ample for any key the signers take.
   */
  KEY("a private key set", HttpServerOptions.DEFAULT_MAX_HEADER_SIZE);

  private final String what;
  private final long bytes;

  InputCap(String what, long bytes) {
    this.what = what;
    this.bytes = bytes;
  }

  /** The most bytes a file of this kind may hold. */
  public long bytes() {
    return bytes;
  }

  /** "a module", as a sentence names it. */
  String what() {
    return what;
  }
}
