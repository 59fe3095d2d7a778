package dev.callmesh.protocol.auth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** The handshake's signed message and nonces (docs/PROTOCOL.md, "Handshake"). */
class AuthMessagesTest {

  @Test
  void challengeMessageIsExactlyTheSpecString() {
    assertArrayEquals("callmesh-auth-v1:hub-1:bm9uY2U=".getBytes(StandardCharsets.UTF_8),
        AuthMessages.challengeMessage("hub-1", "bm9uY2U="));
    assertEquals("callmesh", AuthMessages.NAMESPACE);
  }

  @Test
  void noncesAre32RandomBytesInPaddedBase64() {
    String a = AuthMessages.newNonce();
    assertEquals(44, a.length());
    assertEquals(32, Base64.getDecoder().decode(a).length);
    assertNotEquals(a, AuthMessages.newNonce());
  }
}
