package com.infrafabric.llm.vault;

import java.util.Optional;

/**
 * One credential's identity, its owner and name, and how the vault's hash names it: {@code
 * tenant/<tenant>/<name>} or {@code operator/<name>}. The sealed value is bound to this text, so a
 * value moved to another owner or name does not open.
 *
 * @param owner whose it is
 * @param name its name
 */
public record CredentialId(CredentialOwner owner, String name) {

  private static final String TENANT = "tenant/";
  private static final String OPERATOR = "operator/";

  /** The hash field and sealing context. */
  public String field() {
    return owner instanceof CredentialOwner.Tenant tenant
        ? TENANT + tenant.id() + '/' + name
        : OPERATOR + name;
  }

  /** The identity a hash field names, if it is one this vault writes. */
  public static Optional<CredentialId> parse(String field) {
    try {
      if (field.startsWith(OPERATOR)) {
        return Optional.of(new CredentialId(CredentialOwner.operator(), rest(field, OPERATOR)));
      }
      if (field.startsWith(TENANT)) {
        String rest = field.substring(TENANT.length());
        int slash = rest.indexOf('/');
        return slash < 0
            ? Optional.empty()
            : Optional.of(
                new CredentialId(
                    CredentialOwner.tenant(rest.substring(0, slash)), rest(rest, slash + 1)));
      }
    } catch (IllegalArgumentException malformed) {
      return Optional.empty();
    }
    return Optional.empty();
  }

  private static String rest(String text, String prefix) {
    return rest(text, prefix.length());
  }

  private static String rest(String text, int from) {
    String name = text.substring(from);
    if (name.isEmpty() || name.contains("/")) {
      throw new IllegalArgumentException("not a credential name");
    }
    return name;
  }

  @Override
  public String toString() {
    return field();
  }
}
