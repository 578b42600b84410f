package com.infrafabric.llm.vault;

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
 * Reads the master keys that seal the credential vault, under a service's prefix ({@code
 * chassis.vault.} for the chassis, {@code gateway.vault.} for the governor's gateway), from one of
 * two places:
 *
 * <pre>
 * chassis.vault.masterKeysFile     a JWK set of 256-bit oct keys, readable by its owner only (0600)
 * IF_CHASSIS_VAULT_MASTER_KEYS     the same JWK set as text, from the environment
 * </pre>
 *
 * Neither set: no vault (the credential routes answer 409, no credential can be injected). Both set
 * is refused, so it is never a guess which keys seal. The key material never appears in a message.
 */
public final class MasterKeysReader {

  /** The key of the key file, after the prefix. */
  public static final String FILE = "masterKeysFile";

  /** The key of the inline key set, after the prefix: set it only from the environment. */
  public static final String INLINE = "masterKeys";

  private static final Set<PosixFilePermission> OWNER_ONLY =
      EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);

  private MasterKeysReader() {}

  /**
   * The master keys configured under {@code prefix} (ending with a dot), or empty for no vault.
   *
   * @throws IllegalArgumentException naming the key, never the key material
   */
  public static Optional<MasterKeys> read(Config config, String prefix) {
    String fileKey = prefix + FILE;
    String inlineKey = prefix + INLINE;
    Optional<String> file = config.optional(fileKey);
    Optional<String> inline = config.secret(inlineKey);
    if (file.isPresent() && inline.isPresent()) {
      throw new IllegalArgumentException(
          fileKey + " and " + Config.envName(inlineKey) + " are both set; set one of them");
    }
    if (inline.isPresent()) {
      return Optional.of(parse(Config.envName(inlineKey), inline.get()));
    }
    return file.map(Path::of).map(path -> fromFile(fileKey, path));
  }

  private static MasterKeys fromFile(String key, Path file) {
    String text;
    try {
      requireOwnerOnly(key, file);
      text = Files.readString(file);
    } catch (IOException e) {
      throw new IllegalArgumentException(key + " " + file + " cannot be read");
    }
    return parse(key + " " + file, text);
  }

  /** Refuses a key file others could read; file systems without POSIX permissions are trusted. */
  private static void requireOwnerOnly(String key, Path file) throws IOException {
    PosixFileAttributeView view = Files.getFileAttributeView(file, PosixFileAttributeView.class);
    if (view == null) {
      return;
    }
    Set<PosixFilePermission> permissions = view.readAttributes().permissions();
    if (!OWNER_ONLY.containsAll(permissions)) {
      throw new IllegalArgumentException(
          key
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
