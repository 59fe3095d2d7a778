package dev.callmesh.protocol.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The hub's OpenSSH authorized_keys file, parsed: the ssh-ed25519 keys it accepts, each with its
 * identity and grants (README.md, "Running a hub and spokes with your own keys"). Immutable; reloading
 * means parsing again.
 */
public final class AuthorizedKeys {

  private static final String WHERE = "authorized_keys line ";

  private final List<AuthorizedKey> keys;
  private final Map<SshPublicKey, AuthorizedKey> byKey;
  private final Map<String, AuthorizedKey> byKeyId;

  private AuthorizedKeys(Map<SshPublicKey, AuthorizedKey> byKey) {
    this.byKey = byKey;
    this.keys = List.copyOf(byKey.values());
    this.byKeyId = new HashMap<>();
    for (AuthorizedKey k : keys) {
      byKeyId.put(HexFormat.of().formatHex(k.key().keyId()), k);
    }
  }

  /**
   * Parses authorized_keys text. Blank lines and {@code #} comments are skipped silently; lines with other
   * key types, malformed lines, unsupported options ({@code cert-authority}, {@code expiry-time}) and
   * repeated keys (the first line wins) are skipped with a warning naming the line.
   *
   * @param text the file content
   * @param warnings receives one message per skipped line, for example
   *     {@code authorized_keys line 3: skipped ssh-rsa key: only ssh-ed25519 is supported}; may be null
   * @return the accepted keys, in file order
   */
  public static AuthorizedKeys parse(String text, Consumer<String> warnings) {
    Consumer<String> warn = warnings == null ? w -> { } : warnings;
    Map<SshPublicKey, AuthorizedKey> byKey = new LinkedHashMap<>();
    List<String> lines = text == null ? List.of() : text.lines().toList();
    for (int i = 0; i < lines.size(); i++) {
      int lineNumber = i + 1;
      try {
        AuthorizedKey k = AuthorizedKeyLine.parse(lines.get(i), lineNumber);
        if (k == null) {
          continue;
        }
        AuthorizedKey earlier = byKey.get(k.key());
        if (earlier != null) {
          warn.accept(WHERE + lineNumber + ": skipped: the same key as line " + earlier.line()
              + ", which counts; remove one of them");
          continue;
        }
        byKey.put(k.key(), k);
      } catch (AuthorizedKeyLine.Skip e) {
        String msg = e.getMessage();
        warn.accept(WHERE + lineNumber + ": " + (msg.startsWith("skipped") ? msg : "skipped: " + msg));
      }
    }
    return new AuthorizedKeys(byKey);
  }

  /**
   * @param file an authorized_keys file (UTF-8)
   * @param warnings receives one message per skipped line
   * @return the accepted keys
   * @throws IOException when the file cannot be read
   */
  public static AuthorizedKeys load(Path file, Consumer<String> warnings) throws IOException {
    return parse(Files.readString(file, StandardCharsets.UTF_8), warnings);
  }

  /** @return the entry for the key, if the file accepts it */
  public Optional<AuthorizedKey> find(SshPublicKey key) {
    return key == null ? Optional.empty() : Optional.ofNullable(byKey.get(key));
  }

  /**
   * @param keyId32 SHA-256 of a key's wire blob, as in a signed-timestamp token
   * @return the entry whose key has that id, if any
   */
  public Optional<AuthorizedKey> findByKeyId(byte[] keyId32) {
    if (keyId32 == null || keyId32.length != 32) {
      return Optional.empty();
    }
    return Optional.ofNullable(byKeyId.get(HexFormat.of().formatHex(keyId32)));
  }

  /** @return how many keys are accepted */
  public int size() {
    return keys.size();
  }

  /** @return the accepted keys in file order (unmodifiable) */
  public List<AuthorizedKey> keys() {
    return keys;
  }
}
