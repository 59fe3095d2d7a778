package dev.callmesh.hub.impl;

import dev.callmesh.protocol.auth.SshKeyPair;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The hub's own ed25519 key: read from its file, or made and written there on first start. */
final class HubKey {

  private static final Logger log = LoggerFactory.getLogger(HubKey.class);

  private HubKey() {
  }

  /**
   * Blocking: call it off the event loop.
   *
   * @param file the key file, or {@code null} for a key that lives only in memory
   * @return the key pair
   * @throws IOException when the file exists but cannot be read as an ed25519 key
   */
  static SshKeyPair loadOrCreate(Path file) throws IOException {
    if (file == null) {
      return SshKeyPair.generate();
    }
    if (Files.exists(file)) {
      String passphrase = System.getenv(SshKeyPair.PASSPHRASE_ENV);
      return SshKeyPair.load(file, passphrase == null ? null : passphrase.toCharArray());
    }
    SshKeyPair key = SshKeyPair.generate();
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    key.writeOpenSsh(file, "callmesh-hub");
    log.info("made the hub key {} ({})", file, key.publicKey().fingerprint());
    return key;
  }
}
