package dev.callmesh.protocol.client;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.util.Base64;
import net.schmizz.sshj.common.Buffer;
import net.schmizz.sshj.common.KeyType;
import net.schmizz.sshj.transport.verification.OpenSSHKnownHosts;

/**
 * Checks an SSH server's host key against an OpenSSH known_hosts file, as {@code ssh} does with
 * {@code StrictHostKeyChecking yes}: a host that is not listed, or listed with another key, is refused
 * (never added). After a refusal, {@link #refusal()} says why, naming the host, the key's SHA256
 * fingerprint and the file.
 */
final class SshHostKeyCheck extends OpenSSHKnownHosts {

  private final Path file;
  private volatile String refusal;

  /**
   * @param file the known_hosts file; a missing file lists no host
   * @throws IOException when the file exists but cannot be read
   */
  SshHostKeyCheck(Path file) throws IOException {
    super(file.toFile());
    this.file = file;
  }

  /** @return the known_hosts file used when none is given: {@code ~/.ssh/known_hosts} */
  static Path defaultFile() {
    File dir = OpenSSHKnownHosts.detectSSHDir();
    return dir != null ? dir.toPath().resolve("known_hosts")
        : Path.of(System.getProperty("user.home"), ".ssh", "known_hosts");
  }

  /** @return why the last host key was refused, or {@code null} when none was */
  String refusal() {
    return refusal;
  }

  @Override
  protected boolean hostKeyUnverifiableAction(String hostname, PublicKey key) {
    String hostArg = hostname.startsWith("[") ? hostname.substring(1, hostname.indexOf(']')) : hostname;
    String portArg = hostname.startsWith("[") ? "-p " + hostname.substring(hostname.lastIndexOf(':') + 1) + " " : "";
    refusal = "the SSH server " + hostname + " offered host key " + describe(key) + ", which is not listed in "
        + file + (file.toFile().exists() ? "" : " (the file does not exist)")
        + "; refusing to connect. If you trust this key, add it, e.g. with: ssh-keyscan " + portArg
        + "-t " + KeyType.fromKey(key) + " " + hostArg + " >> " + file
        + " (then compare the fingerprint with the server's own)";
    return false;
  }

  @Override
  protected boolean hostKeyChangedAction(String hostname, PublicKey key) {
    refusal = "the host key of the SSH server " + hostname + " has CHANGED: it offered " + describe(key)
        + ", but " + file + " lists another key for it; refusing to connect (someone may be intercepting the "
        + "connection; if the server's key really changed, replace its line in " + file + ")";
    return false;
  }

  /** @return {@code ssh-ed25519 SHA256:...}, the fingerprint as {@code ssh-keygen -l} prints it */
  static String describe(PublicKey key) {
    return KeyType.fromKey(key) + " " + fingerprint(key);
  }

  /** @return {@code SHA256:} and the unpadded base64 of the SHA-256 of the key's wire form */
  static String fingerprint(PublicKey key) {
    byte[] blob = new Buffer.PlainBuffer().putPublicKey(key).getCompactData();
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(blob);
      return "SHA256:" + Base64.getEncoder().withoutPadding().encodeToString(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }
}
