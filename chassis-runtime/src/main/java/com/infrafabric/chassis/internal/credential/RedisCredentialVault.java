package com.infrafabric.chassis.internal.credential;

import com.infrafabric.chassis.InvalidCredentialException;
import com.infrafabric.chassis.credential.CredentialInfo;
import com.infrafabric.chassis.credential.CredentialVault;
import com.infrafabric.chassis.credential.MasterKeys;
import com.infrafabric.chassis.credential.NewCredential;
import com.infrafabric.chassis.credential.ResealReport;
import com.infrafabric.chassis.internal.egress.DestinationPattern;
import com.infrafabric.chassis.internal.egress.HeaderRules;
import com.infrafabric.hostapi.contract.HttpCapability;
import io.vertx.core.Future;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The vault on Redis: validates at the edge with messages that name the field and never the secret,
 * seals the secret together with where it may go, and stores it. Thread-safe.
 */
public final class RedisCredentialVault implements CredentialVault {

  private static final Pattern SECRET = Pattern.compile("[\\x21-\\x7E]{8,8192}");
  private static final Pattern SCHEME = Pattern.compile("([A-Za-z][A-Za-z0-9-]{0,31})?");

  private final SealedCredentials store;
  private final MasterKeys keys;
  private final Clock clock;

  public RedisCredentialVault(CredentialStore store, MasterKeys keys, Clock clock) {
    this.store = store.sealed();
    this.keys = keys;
    this.clock = clock;
  }

  @Override
  public Future<CredentialInfo> put(NewCredential credential) {
    CredentialPayload payload;
    try {
      payload = validate(credential);
    } catch (InvalidCredentialException invalid) {
      return Future.failedFuture(invalid);
    }
    StoredCredential stored = seal(credential.name(), payload);
    return store.put(credential.name(), stored).map(stored.info());
  }

  @Override
  public Future<Boolean> delete(String name) {
    return store.delete(name);
  }

  @Override
  public Future<List<CredentialInfo>> list() {
    return store.all().map(all -> all.values().stream().map(StoredCredential::info).toList());
  }

  @Override
  public Future<ResealReport> reseal() {
    return store.all().compose(this::reseal);
  }

  private Future<ResealReport> reseal(Map<String, StoredCredential> all) {
    List<String> unreadable = new ArrayList<>();
    List<Future<Boolean>> swaps = new ArrayList<>();
    int current = 0;
    for (Map.Entry<String, StoredCredential> entry : all.entrySet()) {
      String name = entry.getKey();
      StoredCredential stored = entry.getValue();
      if (MasterKeys.sealedKeyId(stored.sealed()).filter(keys.currentKeyId()::equals).isPresent()) {
        current++;
        continue;
      }
      var opened = keys.open(stored.sealed(), name);
      if (opened.isEmpty()) {
        unreadable.add(name);
        continue;
      }
      swaps.add(store.swap(name, stored, seal(name, CredentialPayload.decode(opened.get()))));
    }
    int alreadyCurrent = current;
    return Future.all(swaps)
        .map(
            done -> {
              int resealed = (int) swaps.stream().filter(Future::result).count();
              return new ResealReport(resealed, alreadyCurrent, unreadable);
            });
  }

  private StoredCredential seal(String name, CredentialPayload payload) {
    String sealed = keys.seal(payload.encode(), name);
    return new StoredCredential(
        sealed,
        new CredentialInfo(
            name,
            payload.allow(),
            payload.header(),
            payload.scheme(),
            keys.currentKeyId(),
            clock.instant()));
  }

  private static CredentialPayload validate(NewCredential credential) {
    if (!HttpCapability.CREDENTIAL_NAME.matcher(credential.name()).matches()) {
      throw new InvalidCredentialException(
          "name",
          "credential name \""
              + credential.name()
              + "\" must match "
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
      try {
        DestinationPattern.parse(credential.allow().get(i));
      } catch (IllegalArgumentException e) {
        throw new InvalidCredentialException(
            "allow[" + i + "]",
            "credential " + credential.name() + " allow[" + i + "] " + e.getMessage());
      }
    }
    String header = credential.header().toLowerCase(Locale.ROOT);
    if (!HeaderRules.validName(header) || HeaderRules.forbidden(header)) {
      throw new InvalidCredentialException(
          "header",
          "credential "
              + credential.name()
              + " header \""
              + credential.header()
              + "\" is not a header a credential may set");
    }
    if (!SCHEME.matcher(credential.scheme()).matches()) {
      throw new InvalidCredentialException(
          "scheme",
          "credential "
              + credential.name()
              + " scheme \""
              + credential.scheme()
              + "\" must be empty or match [A-Za-z][A-Za-z0-9-]{0,31}");
    }
    return new CredentialPayload(
        credential.secret(), credential.allow(), header, credential.scheme());
  }
}
