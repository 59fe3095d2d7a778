package dev.callmesh.protocol.auth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Key files: ours read by ssh-keygen, ssh-keygen's read by us. */
class SshKeyPairTest {

  private static final byte[] MESSAGE = "message".getBytes(StandardCharsets.UTF_8);

  @TempDir
  Path dir;

  @Test
  void writtenKeyIsAcceptedBySshKeygenAndLoadsBack() throws Exception {
    SshKeyPair pair = SshKeyPair.generate();
    Path file = dir.resolve("id_ed25519");

    pair.writeOpenSsh(file, "alice@laptop");

    String text = Files.readString(file);
    assertTrue(text.startsWith("-----BEGIN OPENSSH PRIVATE KEY-----\n"));
    assertTrue(text.endsWith("\n-----END OPENSSH PRIVATE KEY-----\n"));
    assertTrue(text.lines().allMatch(l -> l.length() <= 70 || l.startsWith("-----")));
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    assertEquals(pair.publicKey().toOpenSsh("alice@laptop") + "\n", Files.readString(Path.of(file + ".pub")));
    // ssh-keygen -y derives the same public key from our private key file
    assertEquals(pair.publicKey(), SshPublicKey.parseOpenSsh(SshKeygen.publicOf(file)));
    assertEquals(pair.publicKey().fingerprint(), SshKeygen.fingerprint(Path.of(file + ".pub")));
    SshKeyPair loaded = SshKeyPair.load(file, null);
    assertEquals(pair.publicKey(), loaded.publicKey());
    assertArrayEquals(pair.sign(MESSAGE), loaded.sign(MESSAGE));
  }

  @Test
  void writtenKeySignsWithSshKeygen() throws Exception {
    SshKeyPair pair = SshKeyPair.generate();
    Path file = dir.resolve("id");
    pair.writeOpenSsh(file, "c");

    String sig = SshKeygen.sign(file, AuthMessages.NAMESPACE, MESSAGE);

    assertEquals(pair.publicKey(), SshSig.verify(sig, AuthMessages.NAMESPACE, MESSAGE));
  }

  @Test
  void writtenKeyIsByteForByteWhatSshKeygenWouldWriteApartFromCheckInts() throws Exception {
    Path file = SshKeygen.generate(dir, "theirs", null);
    SshKeyPair theirs = SshKeyPair.load(file, null);
    Path ours = dir.resolve("ours");

    theirs.writeOpenSsh(ours, "test");

    byte[] a = Armor.unwrap(OpenSshKeyFile.LABEL, Files.readString(file), false);
    byte[] b = Armor.unwrap(OpenSshKeyFile.LABEL, Files.readString(ours), false);
    assertEquals(a.length, b.length);
    // magic(15) cipher(4+4) kdf(4+4) kdfoptions(4) n(4) publickey(4+51) private section length(4)
    int checkInts = 15 + 8 + 8 + 4 + 4 + 55 + 4;
    for (int i = 0; i < a.length; i++) {
      if (i < checkInts || i >= checkInts + 8) {
        assertEquals(a[i], b[i], "byte " + i);
      }
    }
    assertEquals(Files.readString(Path.of(file + ".pub")), Files.readString(Path.of(ours + ".pub")));
  }

  @Test
  void refusesToOverwrite() throws Exception {
    SshKeyPair pair = SshKeyPair.generate();
    Path file = dir.resolve("id");
    Files.writeString(Path.of(file + ".pub"), "keep me");

    assertThrows(FileAlreadyExistsException.class, () -> pair.writeOpenSsh(file, "c"));
    assertTrue(Files.notExists(file), "nothing is written when either file exists");
    assertEquals("keep me", Files.readString(Path.of(file + ".pub")));

    Path other = dir.resolve("other");
    pair.writeOpenSsh(other, null);
    assertThrows(FileAlreadyExistsException.class, () -> pair.writeOpenSsh(other, null));
  }

  @Test
  void loadsSshKeygenKey() throws Exception {
    Path file = SshKeygen.generate(dir, "id", null);

    SshKeyPair pair = SshKeyPair.load(file, null);

    assertEquals(SshPublicKey.parseOpenSsh(Files.readString(Path.of(file + ".pub"))), pair.publicKey());
    assertTrue(Ed25519.verify(pair.publicKey(), MESSAGE, pair.sign(MESSAGE)));
  }

  @Test
  void ignoresAMismatchedPubFileNextToTheKey() throws Exception {
    Path file = SshKeygen.generate(dir, "id", null);
    SshPublicKey real = SshPublicKey.parseOpenSsh(Files.readString(Path.of(file + ".pub")));
    Files.writeString(Path.of(file + ".pub"), SshKeyPair.generate().publicKey().toOpenSsh("other") + "\n");

    assertEquals(real, SshKeyPair.load(file, null).publicKey());
  }

  @Test
  void rejectsAKeyWhosePrivatePartDoesNotMatchItsPublicPart() throws Exception {
    Path file = dir.resolve("id");
    SshKeyPair.generate().writeOpenSsh(file, "c");
    byte[] data = Armor.unwrap(OpenSshKeyFile.LABEL, Files.readString(file), false);
    byte[] otherPublic = SshKeyPair.generate().publicKey().wireBlob();
    System.arraycopy(otherPublic, 0, data, 15 + 8 + 8 + 4 + 4 + 4, otherPublic.length); // the outer public key
    Files.delete(file);
    Files.writeString(file, Armor.wrap(OpenSshKeyFile.LABEL, data));

    IOException e = assertThrows(IOException.class, () -> SshKeyPair.load(file, null));
    assertTrue(e.getMessage().contains("corrupt"), e.getMessage());
  }

  @Test
  void loadsEncryptedKeyOnlyWithItsPassphrase() throws Exception {
    Path file = SshKeygen.generate(dir, "enc", "secret");
    SshPublicKey expected = SshPublicKey.parseOpenSsh(Files.readString(Path.of(file + ".pub")));

    assertEquals(expected, SshKeyPair.load(file, "secret".toCharArray()).publicKey());

    IOException none = assertThrows(IOException.class, () -> SshKeyPair.load(file, null));
    assertTrue(none.getMessage().contains(SshKeyPair.PASSPHRASE_ENV), none.getMessage());
    IOException wrong = assertThrows(IOException.class, () -> SshKeyPair.load(file, "wrong".toCharArray()));
    assertTrue(wrong.getMessage().contains("passphrase"), wrong.getMessage());
  }

  @Test
  void rejectsOtherKeyTypesAndJunk() throws Exception {
    Path rsa = SshKeygen.generate(dir, "rsa", "rsa", null);
    IOException e = assertThrows(IOException.class, () -> SshKeyPair.load(rsa, null));
    assertTrue(e.getMessage().contains("only ssh-ed25519 is supported"), e.getMessage());

    Path ecdsa = SshKeygen.generate(dir, "ecdsa", "ecdsa", null);
    e = assertThrows(IOException.class, () -> SshKeyPair.load(ecdsa, null));
    assertTrue(e.getMessage().contains("only ssh-ed25519 is supported"), e.getMessage());

    Path junk = Files.writeString(dir.resolve("junk"), "hello\n");
    e = assertThrows(IOException.class, () -> SshKeyPair.load(junk, null));
    assertTrue(e.getMessage().contains("not an OpenSSH private key"), e.getMessage());

    Path pub = Files.writeString(dir.resolve("pub"), SshKeyPair.generate().publicKey().toOpenSsh("x"));
    assertThrows(IOException.class, () -> SshKeyPair.load(pub, null));
  }

  @Test
  void signaturesAreDeterministicEd25519() {
    SshKeyPair pair = SshKeyPair.generate();
    byte[] sig = pair.sign(MESSAGE);
    assertEquals(64, sig.length);
    assertArrayEquals(sig, pair.sign(MESSAGE));
    assertTrue(!pair.toString().isEmpty() && pair.toString().contains("SHA256:"));
  }
}
