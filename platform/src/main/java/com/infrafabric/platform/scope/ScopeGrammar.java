package com.infrafabric.platform.scope;

import java.util.Optional;

/**
 * The one grammar of scopes, shared by both services so that a tenant one of them accepts is a
 * tenant the other accepts too: a scope is a path {@code tenant/project/agent/task} of 1 to {@value
 * #MAX_DEPTH} segments, and a segment is 1 to 64 characters of {@code A-Z a-z 0-9 _ -} starting
 * with a letter or digit. Tenant, agent and task ids are segments.
 *
 * <p>Nothing in the grammar needs escaping in a Redis key (no braces: the first segment is the
 * Redis Cluster hash tag of a tenant's data), a URL path or a log line; {@code .} and {@code ..}
 * are not segments. Token verification refuses a {@code scope} claim outside the grammar, the
 * governor's budget scopes and the chassis' invocation context are built on it, and grants are
 * checked against it.
 */
public final class ScopeGrammar {

  /** The most segments a scope has. */
  public static final int MAX_DEPTH = 5;

  /** The rule of a segment, as error messages state it. */
  public static final String SEGMENT_RULE =
      "1-64 characters of A-Z a-z 0-9 _ - starting with a letter or digit";

  private static final int MAX_SEGMENT_LENGTH = 64;
  private static final int MAX_LENGTH = MAX_DEPTH * 65;

  private ScopeGrammar() {}

  /**
   * True if {@code value} is a segment: a tenant, agent or task id. Checked character by character
   * rather than by a regular expression: a charge over HTTP checks a dozen segments, and the
   * matcher was a measurable share of its CPU in a profile.
   */
  public static boolean isSegment(String value) {
    if (value == null || value.isEmpty() || value.length() > MAX_SEGMENT_LENGTH) {
      return false;
    }
    if (!isAsciiLetterOrDigit(value.charAt(0))) {
      return false;
    }
    for (int i = 1; i < value.length(); i++) {
      char c = value.charAt(i);
      if (!isAsciiLetterOrDigit(c) && c != '_' && c != '-') {
        return false;
      }
    }
    return true;
  }

  private static boolean isAsciiLetterOrDigit(char c) {
    return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9';
  }

  /** Why {@code path} is not a scope, or empty if it is one. */
  public static Optional<String> problem(String path) {
    if (path == null || path.isEmpty()) {
      return Optional.of("is empty");
    }
    if (path.length() > MAX_LENGTH) {
      return Optional.of("is too long");
    }
    String[] segments = path.split("/", -1);
    if (segments.length > MAX_DEPTH) {
      return Optional.of("must have 1 to " + MAX_DEPTH + " segments");
    }
    for (String segment : segments) {
      if (!isSegment(segment)) {
        return Optional.of("has a segment that is not " + SEGMENT_RULE);
      }
    }
    return Optional.empty();
  }

  /** True if {@code path} is a scope. */
  public static boolean isScope(String path) {
    return problem(path).isEmpty();
  }

  /**
   * The tenant of the scope {@code path}: its first segment.
   *
   * @throws IllegalArgumentException if {@code path} is not a scope
   */
  public static String tenantOf(String path) {
    problem(path)
        .ifPresent(
            why -> {
              throw new IllegalArgumentException("the scope " + why);
            });
    int slash = path.indexOf('/');
    return slash < 0 ? path : path.substring(0, slash);
  }
}
