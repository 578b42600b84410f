package com.infrafabric.chassis.internal.credential;

import com.infrafabric.chassis.InvalidCredentialException;
import com.infrafabric.chassis.credential.CredentialVault;
import com.infrafabric.chassis.credential.NewCredential;
import com.infrafabric.chassis.credential.ResealReport;
import com.infrafabric.chassis.egress.EgressSettings;
import com.infrafabric.chassis.internal.egress.HeaderRules;
import com.infrafabric.hostapi.contract.HttpCapability;
import com.infrafabric.llm.destination.DestinationPattern;
import com.infrafabric.llm.vault.CredentialId;
import com.infrafabric.llm.vault.CredentialInfo;
import com.infrafabric.llm.vault.CredentialOwner;
import com.infrafabric.llm.vault.CredentialPayload;
import com.infrafabric.llm.vault.CredentialStore;
import com.infrafabric.llm.vault.MasterKeys;
import com.infrafabric.llm.vault.ResponsePolicy;
import com.infrafabric.llm.vault.SealedCredentials;
import com.infrafabric.llm.vault.StoredCredential;
import com.infrafabric.platform.http.Excerpt;
import io.vertx.core.Future;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The vault on Redis: validates at the edge with messages that name the field and never the secret,
 * seals the secret together with where it may go, what a tool may read back and whose it is, and
 * stores it. Thread-safe.
 */
public final class RedisCredentialVault implements CredentialVault {

  private static final int MIN_SECRET_CHARS = 8;
  private static final Pattern SECRET = Pattern.compile("[\\x21-\\x7E]{8,8192}");
  private static final Pattern SCHEME = Pattern.compile("([A-Za-z][A-Za-z0-9-]{0,31})?");

  private final SealedCredentials store;
  private final MasterKeys keys;
  private final Clock clock;
  private final EgressSettings egress;

  /**
   * @param egress the operator's egress policy, which a tenant's allow-list is held to when stored
   *     (the operator's own credentials serve the host's provider calls, outside it)
   */
  public RedisCredentialVault(
      CredentialStore store, MasterKeys keys, Clock clock, EgressSettings egress) {
    this.store = store.sealed();
    this.keys = keys;
    this.clock = clock;
    this.egress = egress;
  }

  @Override
  public Future<CredentialInfo> put(NewCredential credential) {
    CredentialPayload payload;
    try {
      payload = validate(credential);
    } catch (InvalidCredentialException invalid) {
      return Future.failedFuture(invalid);
    }
    CredentialId id = new CredentialId(credential.owner(), credential.name());
    StoredCredential stored = seal(id, payload);
    return store.put(id, stored).map(stored.info());
  }

  @Override
  public Future<Boolean> delete(CredentialOwner owner, String name) {
    return store.delete(new CredentialId(owner, name));
  }

  @Override
  public Future<List<CredentialInfo>> list(CredentialOwner owner) {
    return store
        .all()
        .map(
            all ->
                all.entrySet().stream()
                    .flatMap(entry -> decode(entry).stream())
                    .map(StoredCredential::info)
                    .filter(info -> info.owner().equals(owner))
                    .sorted(Comparator.comparing(CredentialInfo::name))
                    .toList());
  }

  @Override
  public Future<ResealReport> reseal() {
    return store.all().compose(this::reseal);
  }

  private Future<ResealReport> reseal(Map<String, String> all) {
    List<String> unreadable = new ArrayList<>();
    List<Future<Boolean>> swaps = new ArrayList<>();
    int current = 0;
    for (Map.Entry<String, String> entry : all.entrySet()) {
      Optional<CredentialId> id = CredentialId.parse(entry.getKey());
      Optional<StoredCredential> stored = decode(entry);
      if (id.isEmpty() || stored.isEmpty()) {
        unreadable.add(entry.getKey());
        continue;
      }
      String sealed = stored.get().sealed();
      if (MasterKeys.sealedKeyId(sealed).filter(keys.currentKeyId()::equals).isPresent()) {
        current++;
        continue;
      }
      var opened = keys.open(sealed, id.get().field());
      if (opened.isEmpty()) {
        unreadable.add(entry.getKey());
        continue;
      }
      StoredCredential replacement = seal(id.get(), CredentialPayload.decode(opened.get()));
      swaps.add(store.swap(id.get(), entry.getValue(), replacement));
    }
    int alreadyCurrent = current;
    return Future.all(swaps)
        .map(
            done -> {
              int resealed = (int) swaps.stream().filter(Future::result).count();
              return new ResealReport(resealed, alreadyCurrent, unreadable);
            });
  }

  /** The stored credential of a hash field, if the field and value are this vault's. */
  private static Optional<StoredCredential> decode(Map.Entry<String, String> entry) {
    return CredentialId.parse(entry.getKey())
        .map(id -> StoredCredential.decode(id, entry.getValue()));
  }

  private StoredCredential seal(CredentialId id, CredentialPayload payload) {
    String sealed = keys.seal(payload.encode(), id.field());
    return new StoredCredential(
        sealed,
        new CredentialInfo(
            id.owner(),
            id.name(),
            payload.allow(),
            payload.header(),
            payload.scheme(),
            payload.response(),
            keys.currentKeyId(),
            clock.instant()));
  }

  /**
   * The first field besides the secret that holds it, ignoring case (a header name is lowercased
   * when stored): those are listed by every read of the vault and quoted in its errors. Checked
   * before any of them is quoted.
   */
  private static Optional<String> holdingTheSecret(NewCredential credential) {
    String secret = credential.secret().toLowerCase(Locale.ROOT);
    if (secret.length() < MIN_SECRET_CHARS) {
      return Optional.empty();
    }
    Map<String, String> shown = new LinkedHashMap<>();
    shown.put("name", credential.name());
    shown.put("header", credential.header());
    shown.put("scheme", credential.scheme());
    for (int i = 0; i < credential.allow().size(); i++) {
      shown.put("allow[" + i + "]", credential.allow().get(i));
    }
    return shown.entrySet().stream()
        .filter(field -> field.getValue().toLowerCase(Locale.ROOT).contains(secret))
        .map(Map.Entry::getKey)
        .findFirst();
  }

  private CredentialPayload validate(NewCredential credential) {
    holdingTheSecret(credential)
        .ifPresent(
            field -> {
              throw new InvalidCredentialException(
                  field,
                  "the credential's "
                      + field
                      + " holds its secret: every field but the secret is listed and quoted, so"
                      + " none may hold it");
            });
    if (!HttpCapability.CREDENTIAL_NAME.matcher(credential.name()).matches()) {
      throw new InvalidCredentialException(
          "name",
          "credential name "
              + Excerpt.quoted(credential.name())
              + " must match "
              + HttpCapability.CREDENTIAL_NAME.pattern());
    }
    if (!SECRET.matcher(credential.secret()).matches()) {
      throw new InvalidCredentialException(
          "secret",
          "credential " + credential.name() + " secret must be 8 to 8192 visible ASCII characters");
    }
    if (credential.allow().isEmpty()) {
      throw new InvalidCredentialException(
          "allow", "credential " + credential.name() + " allow must list at least one origin");
    }
    for (int i = 0; i < credential.allow().size(); i++) {
      String field = "allow[" + i + "]";
      DestinationPattern pattern;
      try {
        pattern = DestinationPattern.parse(credential.allow().get(i));
      } catch (IllegalArgumentException e) {
        throw new InvalidCredentialException(
            field, "credential " + credential.name() + " " + field + " " + e.getMessage());
      }
      if (credential.owner() instanceof CredentialOwner.Tenant) {
        List<String> refusals = egress.refusals(pattern);
        if (!refusals.isEmpty()) {
          throw new InvalidCredentialException(
              field,
              "credential " + credential.name() + " " + field + " " + String.join("; ", refusals));
        }
      }
    }
    String header = credential.header().toLowerCase(Locale.ROOT);
    if (!HeaderRules.validName(header) || HeaderRules.forbidden(header)) {
      throw new InvalidCredentialException(
          "header",
          "credential "
              + credential.name()
              + " header "
              + Excerpt.quoted(credential.header())
              + " is not a header a credential may set");
    }
    if (!SCHEME.matcher(credential.scheme()).matches()) {
      throw new InvalidCredentialException(
          "scheme",
          "credential "
              + credential.name()
              + " scheme "
              + Excerpt.quoted(credential.scheme())
              + " must be empty or match [A-Za-z][A-Za-z0-9-]{0,31}");
    }
    if (credential.owner() instanceof CredentialOwner.Operator
        && !(credential.response() instanceof ResponsePolicy.Full)) {
      throw new InvalidCredentialException(
          "response",
          "credential "
              + credential.name()
              + " is the operator's: only the host reads its answers, so its response is full");
    }
    return new CredentialPayload(
        credential.secret(),
        credential.allow(),
        header,
        credential.scheme(),
        credential.response());
  }
}
