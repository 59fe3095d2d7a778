package dev.callmesh.protocol.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.callmesh.protocol.ErrorCode;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Signed-timestamp tokens (docs/PROTOCOL.md, "Handshake"). */
class TimestampTokenTest {

  private static final long NOW = 1_750_000_000L;

  private final SshKeyPair alice = SshKeyPair.generate();
  private final AuthorizedKeys keys = AuthorizedKeys.parse(
      "name=\"alice\",allow=\"/dev1/*\" " + alice.publicKey().toOpenSsh(null), w -> { });

  @TempDir
  Path dir;

  @Test
  void roundTripAndLayout() {
    String token = TimestampToken.create(alice, NOW);

    assertEquals(139, token.length());
    assertFalse(token.contains("=") || token.contains("+") || token.contains("/"));
    assertTrue(TimestampToken.looksLike(token));
    byte[] raw = Base64.getUrlDecoder().decode(token);
    ByteBuffer b = ByteBuffer.wrap(raw);
    byte[] keyId = new byte[32];
    b.get(keyId);
    assertEquals(ByteBuffer.wrap(alice.publicKey().keyId()), ByteBuffer.wrap(keyId));
    assertEquals(NOW, b.getLong());
    assertEquals("alice", assertValid(token, NOW).id());
  }

  @Test
  void worksWithAKeyMadeBySshKeygen() throws Exception {
    SshKeyPair pair = SshKeyPair.load(SshKeygen.generate(dir, "id", null), null);
    AuthorizedKeys ks = AuthorizedKeys.parse(pair.publicKey().toOpenSsh("t"), w -> { });

    AuthorizedKey k = assertDoesNotThrowAuth(() -> TimestampToken.verify(
        TimestampToken.create(pair, NOW), ks, NOW, TimestampToken.DEFAULT_MAX_SKEW_SECONDS));
    assertEquals("t", k.id());
  }

  @Test
  void skewBoundariesBothWays() {
    assertValid(TimestampToken.create(alice, NOW - 300), NOW);
    assertValid(TimestampToken.create(alice, NOW + 300), NOW);
    AuthException old = assertRejected(TimestampToken.create(alice, NOW - 301), NOW);
    assertTrue(old.getMessage().contains("clock"), old.getMessage());
    assertRejected(TimestampToken.create(alice, NOW + 301), NOW);
    assertRejected(TimestampToken.create(alice, Long.MIN_VALUE), NOW);
    assertRejected(TimestampToken.create(alice, Long.MAX_VALUE), -NOW);
  }

  @Test
  void tamperedTokensAreRejectedAndNeverEchoed() {
    byte[] raw = Base64.getUrlDecoder().decode(TimestampToken.create(alice, NOW));
    for (int i : new int[] {0, 31, 32, 39, 40, 70, 103}) {
      byte[] bad = raw.clone();
      bad[i] ^= 1;
      String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bad);
      AuthException e = assertRejected(token, NOW);
      assertFalse(e.getMessage().contains(token));
      // The first 43 characters are the key id, which is public (it is the key's fingerprint); the
      // timestamp and signature must not appear.
      assertFalse(e.getMessage().contains(token.substring(43, 70)));
    }
  }

  @Test
  void unknownKeyAndMalformedTokens() {
    AuthException unknown = assertRejected(TimestampToken.create(SshKeyPair.generate(), NOW), NOW);
    assertTrue(unknown.getMessage().contains("authorized_keys"), unknown.getMessage());
    String good = TimestampToken.create(alice, NOW);
    for (String bad : new String[] {null, "", "abc", good.substring(1), good + "AA", good.replace('A', '*'),
        "eyJhbGciOiJFZERTQSJ9.e30.c2ln", "A".repeat(10_000)}) {
      assertRejected(bad, NOW);
      assertFalse(TimestampToken.looksLike(bad));
    }
    assertTrue(TimestampToken.looksLike(good + "="), "padding is tolerated");
  }

  private AuthorizedKey assertValid(String token, long now) {
    return assertDoesNotThrowAuth(() -> TimestampToken.verify(token, keys, now, TimestampToken.DEFAULT_MAX_SKEW_SECONDS));
  }

  private AuthException assertRejected(String token, long now) {
    AuthException e = assertThrows(AuthException.class,
        () -> TimestampToken.verify(token, keys, now, TimestampToken.DEFAULT_MAX_SKEW_SECONDS));
    assertEquals(ErrorCode.UNAUTHENTICATED, e.code());
    return e;
  }

  private interface AuthCall {
    AuthorizedKey run() throws AuthException;
  }

  private static AuthorizedKey assertDoesNotThrowAuth(AuthCall call) {
    try {
      return call.run();
    } catch (AuthException e) {
      throw new AssertionError("expected a valid token, got: " + e.getMessage(), e);
    }
  }
}
