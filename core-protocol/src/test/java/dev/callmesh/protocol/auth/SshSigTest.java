package dev.callmesh.protocol.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.callmesh.protocol.ErrorCode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SshSig against the real ssh-keygen, in both directions. */
class SshSigTest {

  private static final byte[] MESSAGE = AuthMessages.challengeMessage("hub-1", AuthMessages.newNonce());

  @TempDir
  Path dir;

  @Test
  void acceptsArmoredSignatureFromSshKeygen() throws Exception {
    Path key = SshKeygen.generate(dir, "id", null);
    String sig = SshKeygen.sign(key, AuthMessages.NAMESPACE, MESSAGE);

    SshPublicKey signer = SshSig.verify(sig, AuthMessages.NAMESPACE, MESSAGE);

    assertEquals(SshPublicKey.parseOpenSsh(Files.readString(Path.of(key + ".pub"))), signer);
  }

  @Test
  void acceptsPlainBase64OfTheBlob() throws Exception {
    Path key = SshKeygen.generate(dir, "id", null);
    String armored = SshKeygen.sign(key, AuthMessages.NAMESPACE, MESSAGE);
    byte[] blob = Armor.unwrap(SshSig.LABEL, armored, false);

    SshPublicKey signer = SshSig.verify(Base64.getEncoder().encodeToString(blob), AuthMessages.NAMESPACE, MESSAGE);

    assertEquals(SshPublicKey.parseOpenSsh(SshKeygen.publicOf(key)), signer);
  }

  @Test
  void acceptsSha256SignaturesAndToleratesWhitespace() throws Exception {
    Path key = SshKeygen.generate(dir, "id", null);
    String sig = SshKeygen.sign(key, AuthMessages.NAMESPACE, MESSAGE, "sha256");
    SshPublicKey expected = SshPublicKey.parseOpenSsh(SshKeygen.publicOf(key));

    assertEquals(expected, SshSig.verify(sig, AuthMessages.NAMESPACE, MESSAGE));
    assertEquals(expected, SshSig.verify("\r\n  " + sig.replace("\n", "\r\n") + "\n\n", AuthMessages.NAMESPACE, MESSAGE));
    String base64 = Base64.getEncoder().encodeToString(Armor.unwrap(SshSig.LABEL, sig, false));
    String spaced = base64.substring(0, 10) + " \n\t" + base64.substring(10);
    assertEquals(expected, SshSig.verify(spaced, AuthMessages.NAMESPACE, MESSAGE));
  }

  @Test
  void rejectsWrongNamespace() throws Exception {
    Path key = SshKeygen.generate(dir, "id", null);
    String sig = SshKeygen.sign(key, "file", MESSAGE);

    AuthException e = assertThrows(AuthException.class, () -> SshSig.verify(sig, AuthMessages.NAMESPACE, MESSAGE));
    assertEquals(ErrorCode.UNAUTHENTICATED, e.code());
    assertTrue(e.getMessage().contains("namespace"), e.getMessage());
  }

  @Test
  void rejectsAnotherMessage() throws Exception {
    Path key = SshKeygen.generate(dir, "id", null);
    String sig = SshKeygen.sign(key, AuthMessages.NAMESPACE, MESSAGE);
    byte[] other = AuthMessages.challengeMessage("hub-1", AuthMessages.newNonce());

    AuthException e = assertThrows(AuthException.class, () -> SshSig.verify(sig, AuthMessages.NAMESPACE, other));
    assertEquals(ErrorCode.UNAUTHENTICATED, e.code());
  }

  @Test
  void rejectsEveryTamperedByte() throws Exception {
    SshKeyPair pair = SshKeyPair.generate();
    byte[] blob = Armor.unwrap(SshSig.LABEL, SshSig.sign(pair, AuthMessages.NAMESPACE, MESSAGE), false);
    for (int i = 0; i < blob.length; i++) {
      for (int bit : new int[] {0x01, 0x80}) {
        byte[] bad = blob.clone();
        bad[i] ^= (byte) bit;
        String text = Base64.getEncoder().encodeToString(bad);
        AuthException e = assertThrows(AuthException.class, () -> SshSig.verify(text, AuthMessages.NAMESPACE, MESSAGE),
            "flipping bit " + bit + " of byte " + i + " must be rejected");
        assertEquals(ErrorCode.UNAUTHENTICATED, e.code());
      }
    }
  }

  @Test
  void rejectsRsaSignature() throws Exception {
    Path key = SshKeygen.generate(dir, "rsa", "rsa", null);
    String sig = SshKeygen.sign(key, AuthMessages.NAMESPACE, MESSAGE);

    AuthException e = assertThrows(AuthException.class, () -> SshSig.verify(sig, AuthMessages.NAMESPACE, MESSAGE));
    assertEquals(ErrorCode.UNAUTHENTICATED, e.code());
    assertTrue(e.getMessage().contains("only ssh-ed25519 keys are accepted"), e.getMessage());
  }

  @Test
  void rejectsNonCanonicalS() throws Exception {
    Path key = SshKeygen.generate(dir, "id", null);
    String sig = SshKeygen.sign(key, AuthMessages.NAMESPACE, MESSAGE);
    byte[] blob = Armor.unwrap(SshSig.LABEL, sig, false);
    // The raw signature is the last 64 bytes of the blob; S is its second half, little-endian.
    Ed25519Test.addOrderToS(blob, blob.length - 32);

    assertThrows(AuthException.class,
        () -> SshSig.verify(Base64.getEncoder().encodeToString(blob), AuthMessages.NAMESPACE, MESSAGE));
  }

  @Test
  void rejectsGarbageWithoutRuntimeExceptions() {
    String huge = "A".repeat(SshSig.MAX_SIGNATURE_CHARS + 1);
    String[] inputs = {null, "", "   ", "not base64 !!", "AAAA", "U1NIU0lH", huge,
        "-----BEGIN SSH SIGNATURE-----\nAAAA\n", "-----BEGIN SSH SIGNATURE-----\n-----END SSH SIGNATURE-----\n",
        Base64.getEncoder().encodeToString("SSHSIG\0\0\0\1\u00ff\u00ff\u00ff\u00ff".getBytes(StandardCharsets.ISO_8859_1))};
    for (String in : inputs) {
      AuthException e = assertThrows(AuthException.class, () -> SshSig.verify(in, AuthMessages.NAMESPACE, MESSAGE));
      assertEquals(ErrorCode.UNAUTHENTICATED, e.code());
    }
  }

  @Test
  void ourSignatureVerifiesWithSshKeygenAndOurselves() throws Exception {
    SshKeyPair pair = SshKeyPair.generate();
    String sig = SshSig.sign(pair, AuthMessages.NAMESPACE, MESSAGE);

    assertTrue(sig.startsWith("-----BEGIN SSH SIGNATURE-----\n"));
    assertTrue(sig.endsWith("\n-----END SSH SIGNATURE-----\n"));
    assertTrue(sig.lines().allMatch(l -> l.length() <= 70 || l.startsWith("-----")));
    assertTrue(SshKeygen.verify(pair.publicKey(), AuthMessages.NAMESPACE, MESSAGE, sig, dir));
    assertFalse(SshKeygen.verify(pair.publicKey(), "other", MESSAGE, sig, dir));
    assertEquals(pair.publicKey(), SshSig.verify(sig, AuthMessages.NAMESPACE, MESSAGE));
  }

  @Test
  void signatureWithLoadedSshKeygenKeyVerifiesWithSshKeygen() throws Exception {
    Path key = SshKeygen.generate(dir, "id", null);
    SshKeyPair pair = SshKeyPair.load(key, null);
    String sig = SshSig.sign(pair, AuthMessages.NAMESPACE, MESSAGE);

    assertTrue(SshKeygen.verify(pair.publicKey(), AuthMessages.NAMESPACE, MESSAGE, sig, dir));
  }
}
