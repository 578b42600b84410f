package com.infrafabric.deploy.client;

import picocli.CommandLine.Option;

/** {@code --scope} of a listing confined to a subtree; without it the service lists the token's. */
final class SubtreeOption {

  @Option(names = "--scope", paramLabel = "SCOPE", description = "list this subtree")
  private String scope;

  /** {@code path} (which may carry a query already) with the subtree, if one was named. */
  String appendTo(String path) {
    if (scope == null) {
      return path;
    }
    return path + (path.contains("?") ? '&' : '?') + "scope=" + ClientCommand.segment(scope);
  }
}
