package dev.callmesh.hub.impl.http;

import dev.callmesh.protocol.CallException;
import dev.callmesh.protocol.ErrorCode;
import dev.callmesh.protocol.auth.AuthorizedKey;
import dev.callmesh.protocol.auth.AuthorizedKeys;
import dev.callmesh.protocol.auth.SshKeyPair;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.util.function.Supplier;

/**
 * Issues and checks the hub's JWTs (SPEC §4.2): EdDSA, signed with the hub's own key, carrying the
 * identity, its allow list and its key's fingerprint. A JWT is honoured only while the key it was
 * issued to is still in authorized_keys, and with that key's current allow list, so removing a key
 * revokes its tokens at once.
 */
public final class JwtIssuer {

  /** The audience of every hub JWT. */
  public static final String AUDIENCE = "callmesh";
  /** The lifetime of a token when none is asked for: 1 h. */
  public static final long DEFAULT_TTL_SECONDS = 3600;
  /** The longest lifetime a token may have: 24 h. */
  public static final long MAX_TTL_SECONDS = 24 * 3600;

  private final JWTAuth jwt;
  private final String hubId;
  private final Supplier<AuthorizedKeys> keys;

  /**
   * @param vertx the Vert.x instance
   * @param hubKey the hub's key pair, which signs and verifies
   * @param hubId the issuer
   * @param keys the authorized keys in force
   */
  public JwtIssuer(Vertx vertx, SshKeyPair hubKey, String hubId, Supplier<AuthorizedKeys> keys) {
    this.hubId = hubId;
    this.keys = keys;
    this.jwt = JWTAuth.create(vertx, new JWTAuthOptions()
        .addPubSecKey(new PubSecKeyOptions().setAlgorithm("EdDSA").setBuffer(hubKey.privateKeyPem()))
        .addPubSecKey(new PubSecKeyOptions().setAlgorithm("EdDSA").setBuffer(hubKey.publicKeyPem()))
        .setJWTOptions(new JWTOptions().setAlgorithm("EdDSA").setIssuer(hubId)
            .setAudience(java.util.List.of(AUDIENCE))));
  }

  /**
   * @param key the identity to issue for
   * @param ttlSeconds the lifetime, 1 s to 24 h
   * @return {@code {"token":..,"expiresIn":..}}
   */
  public JsonObject issue(AuthorizedKey key, long ttlSeconds) {
    if (ttlSeconds < 1 || ttlSeconds > MAX_TTL_SECONDS) {
      throw CallException.of(ErrorCode.INVALID_INPUT, "a token lives 1 s to 24 h; ask for less");
    }
    JsonObject claims = new JsonObject()
        .put("sub", key.id())
        .put("allow", new JsonArray(key.allow()))
        .put("kid", key.key().fingerprint());
    String token = jwt.generateToken(claims, new JWTOptions().setAlgorithm("EdDSA").setIssuer(hubId)
        .setAudience(java.util.List.of(AUDIENCE)).setExpiresInSeconds((int) ttlSeconds));
    return new JsonObject().put("token", token).put("expiresIn", ttlSeconds);
  }

  /** @return whether the text has the shape of a JWT (three base64url parts) */
  public static boolean looksLike(String token) {
    return token != null && token.chars().filter(c -> c == '.').count() == 2 && token.length() < 8192;
  }

  /**
   * @param token a hub JWT
   * @return a future of the identity it stands for, as authorized now; failed UNAUTHENTICATED when the
   *     token is malformed, tampered with, expired, not for this hub, or its key was removed
   */
  public Future<AuthorizedKey> verify(String token) {
    return jwt.authenticate(new TokenCredentials(token))
        .recover(err -> Future.failedFuture(CallException.of(ErrorCode.UNAUTHENTICATED,
            "the token is not valid (expired, altered, or from another hub); get a new one")))
        .compose(user -> {
          String kid = user.principal().getString("kid");
          AuthorizedKey key = kid == null ? null : keys.get().keys().stream()
              .filter(k -> k.key().fingerprint().equals(kid)).findFirst().orElse(null);
          if (key == null) {
            return Future.failedFuture(CallException.of(ErrorCode.UNAUTHENTICATED,
                "the key this token was issued to is no longer authorized"));
          }
          return Future.succeededFuture(key);
        });
  }

}
