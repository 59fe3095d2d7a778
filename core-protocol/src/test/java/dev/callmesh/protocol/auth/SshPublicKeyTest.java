package dev.callmesh.protocol.auth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Public key forms and the fingerprint ssh-keygen prints. */
class SshPublicKeyTest {

  @TempDir
  Path dir;

  @Test
  void fingerprintMatchesSshKeygen() throws Exception {
    Path key = SshKeygen.generate(dir, "id", null);
    Path pub = Path.of(key + ".pub");

    SshPublicKey k = SshPublicKey.parseOpenSsh(Files.readString(pub));

    assertEquals(SshKeygen.fingerprint(pub), k.fingerprint());
  }

  @Test
  void formsAgree() throws Exception {
    SshPublicKey k = SshKeyPair.generate().publicKey();

    assertEquals(k, SshPublicKey.fromWireBlob(k.wireBlob()));
    assertEquals(k, SshPublicKey.fromRaw(k.raw()));
    assertEquals(k, SshPublicKey.fromJdk(k.jdkKey()));
    assertEquals(k, SshPublicKey.parseOpenSsh(k.toOpenSsh("bob@host")));
    assertEquals(k, SshPublicKey.parseOpenSsh(k.toOpenSsh(null) + "\n"));
    assertEquals(k.hashCode(), SshPublicKey.fromRaw(k.raw()).hashCode());
    assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(k.wireBlob()), k.keyId());
    assertEquals("SHA256:" + Base64.getEncoder().withoutPadding().encodeToString(k.keyId()), k.fingerprint());
    assertNotEquals(k, SshKeyPair.generate().publicKey());
    assertEquals(51, k.wireBlob().length);
  }

  @Test
  void rejectsOtherTypesAndBadLengths() throws Exception {
    SshPublicKey k = SshKeyPair.generate().publicKey();
    byte[] blob = k.wireBlob();
    byte[] withTrailer = java.util.Arrays.copyOf(blob, blob.length + 1);
    byte[] shortKey = new SshWire.Writer().string("ssh-ed25519").string(new byte[31]).toByteArray();
    byte[] rsa = new SshWire.Writer().string("ssh-rsa").string(new byte[3]).string(new byte[64]).toByteArray();

    assertThrows(IllegalArgumentException.class, () -> SshPublicKey.fromWireBlob(withTrailer));
    assertThrows(IllegalArgumentException.class, () -> SshPublicKey.fromWireBlob(shortKey));
    assertThrows(IllegalArgumentException.class, () -> SshPublicKey.fromWireBlob(rsa));
    assertThrows(IllegalArgumentException.class, () -> SshPublicKey.fromWireBlob(new byte[] {0, 0, 0}));
    assertThrows(IllegalArgumentException.class, () -> SshPublicKey.fromWireBlob(new byte[] {-1, -1, -1, -1}));
    assertThrows(IllegalArgumentException.class, () -> SshPublicKey.fromRaw(new byte[33]));
    assertThrows(IllegalArgumentException.class, () -> SshPublicKey.parseOpenSsh("ssh-rsa AAAAB3NzaC1yc2E x"));
    assertThrows(IllegalArgumentException.class, () -> SshPublicKey.parseOpenSsh("ssh-ed25519 !!!"));
    assertThrows(IllegalArgumentException.class, () -> SshPublicKey.parseOpenSsh("ssh-ed25519"));
    String mismatched = "ssh-ed25519 " + Base64.getEncoder().encodeToString(rsa);
    assertThrows(IllegalArgumentException.class, () -> SshPublicKey.parseOpenSsh(mismatched));
    Path rsaKey = SshKeygen.generate(dir, "rsa", "rsa", null);
    String rsaLine = Files.readString(Path.of(rsaKey + ".pub"));
    assertThrows(IllegalArgumentException.class, () -> SshPublicKey.parseOpenSsh(rsaLine));
  }
}
