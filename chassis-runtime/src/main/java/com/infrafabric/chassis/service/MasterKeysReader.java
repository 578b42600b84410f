package com.infrafabric.chassis.service;

import com.infrafabric.llm.vault.MasterKeys;
import com.infrafabric.platform.config.Config;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * Reads the master keys that seal the credential vault, from one of two places:
 *
 * <pre>
 * chassis.vault.masterKeysFile     a JWK set of 256-bit oct keys, readable by its owner only (0600)
 * IF_CHASSIS_VAULT_MASTER_KEYS     the same JWK set as text, from the environment
 * </pre>
 *
 * Neither set: no vault (the credential routes answer 409, no credential can be injected). Both set
 * is refused, so it is never a guess which keys seal. The key material never appears in a message.
 */
final class MasterKeysReader {

  static final String FILE = "chassis.vault.masterKeysFile";
  static final String INLINE = "chassis.vault.masterKeys";
  private static final Set<PosixFilePermission> OWNER_ONLY =
      EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);

  private MasterKeysReader() {}

  static Optional<MasterKeys> read(Config config) {
    Optional<String> file = config.optional(FILE);
    Optional<String> inline = config.secret(INLINE);
    if (file.isPresent() && inline.isPresent()) {
      throw new IllegalArgumentException(
          FILE + " and " + Config.envName(INLINE) + " are both set; set one of them");
    }
    if (inline.isPresent()) {
      return Optional.of(parse(Config.envName(INLINE), inline.get()));
    }
    return file.map(Path::of).map(MasterKeysReader::fromFile);
  }

  private static MasterKeys fromFile(Path file) {
    String text;
    try {
      requireOwnerOnly(file);
      text = Files.readString(file);
    } catch (IOException e) {
      throw new IllegalArgumentException(FILE + " " + file + " cannot be read");
    }
    return parse(FILE + " " + file, text);
  }

  /** Refuses a key file others could read; file systems without POSIX permissions are trusted. */
  private static void requireOwnerOnly(Path file) throws IOException {
    PosixFileAttributeView view = Files.getFileAttributeView(file, PosixFileAttributeView.class);
    if (view == null) {
      return;
    }
    Set<PosixFilePermission> permissions = view.readAttributes().permissions();
    if (!OWNER_ONLY.containsAll(permissions)) {
      throw new IllegalArgumentException(
          FILE
              + " "
              + file
              + " is "
              + PosixFilePermissions.toString(permissions)
              + "; it must be readable by its owner only (chmod 600)");
    }
  }

  private static MasterKeys parse(String source, String jwks) {
    try {
      return MasterKeys.parse(jwks);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(source + ": " + e.getMessage(), e);
    }
  }
}
