package dev.callmesh.hub.impl.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.callmesh.protocol.CallException;
import dev.callmesh.protocol.auth.AuthorizedKey;
import dev.callmesh.protocol.auth.AuthorizedKeys;
import dev.callmesh.protocol.auth.SshKeyPair;
import io.vertx.core.Vertx;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Hub JWTs: EdDSA round trip, tampering, expiry, another hub's key, and revocation with the key. */
class JwtIssuerTest {

  final Vertx vertx = Vertx.vertx();
  final SshKeyPair hubKey = SshKeyPair.generate();
  final SshKeyPair alice = SshKeyPair.generate();
  final AtomicReference<AuthorizedKeys> keys = new AtomicReference<>(AuthorizedKeys.parse(
      "name=\"alice\",allow=\"/dev1/*\" " + alice.publicKey().toOpenSsh("alice") + "\n", null));
  final JwtIssuer issuer = new JwtIssuer(vertx, hubKey, "hub-a", keys::get);

  @AfterEach
  void close() {
    vertx.close().await();
  }

  private AuthorizedKey aliceKey() {
    return keys.get().find(alice.publicKey()).orElseThrow();
  }

  private static String code(io.vertx.core.Future<?> f) {
    try {
      f.await();
      return "OK";
    } catch (CallException e) {
      return e.code();
    }
  }

  @Test
  void anIssuedTokenVerifiesAsItsIdentity() {
    String token = issuer.issue(aliceKey(), 60, null).getString("token");
    String header = new String(Base64.getUrlDecoder().decode(token.split("\\.")[0]));
    assertTrue(header.contains("EdDSA"), header);
    AuthorizedKey k = issuer.verify(token).await().key();
    assertEquals("alice", k.id());
    assertTrue(k.mayCall("/dev1/fs/readFile"));
  }

  @Test
  void tamperedExpiredForeignAndRevokedTokensAreRefused() throws Exception {
    String token = issuer.issue(aliceKey(), 60, null).getString("token");
    String[] parts = token.split("\\.");
    String payload = new String(Base64.getUrlDecoder().decode(parts[1])).replace("/dev1/*", "/*");
    String tampered = parts[0] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(payload.getBytes()) + "." + parts[2];
    assertEquals("UNAUTHENTICATED", code(issuer.verify(tampered)));

    String shortLived = issuer.issue(aliceKey(), 1, null).getString("token");
    Thread.sleep(2100);
    assertEquals("UNAUTHENTICATED", code(issuer.verify(shortLived)));

    JwtIssuer other = new JwtIssuer(vertx, SshKeyPair.generate(), "hub-a", keys::get);
    assertEquals("UNAUTHENTICATED", code(other.verify(token)));

    keys.set(AuthorizedKeys.parse("", null));
    assertEquals("UNAUTHENTICATED", code(issuer.verify(token)));
  }
}
