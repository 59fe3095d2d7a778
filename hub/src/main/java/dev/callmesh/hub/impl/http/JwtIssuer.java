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
import java.util.List;
import java.util.function.Supplier;

/**
 * Issues and checks the hub's JWTs: EdDSA, signed with the hub's own key, carrying the identity, its
 * scope ({@code allow}: the patterns asked for, else the key's allow list when issued) and its key's
 * fingerprint. A JWT is honoured only while the key it was issued to is still in authorized_keys, and
 * its rights are its scope intersected with that key's current allow list, so removing a key revokes
 * its tokens at once and a token never grants more than its key has now.
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
   * @param hubId the issuer: the hub's id, or the cluster's for the hubs of a cluster (which share the key)
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

  /** The most patterns a scoped token may carry. */
  public static final int MAX_SCOPE_PATTERNS = 64;

  /**
   * What a valid JWT stands for.
   *
   * @param key the authorized key it was issued to, as in force now
   * @param scope the patterns it carries, or {@code null} when it carries none
   */
  public record Verified(AuthorizedKey key, List<String> scope) {
  }

  /**
   * @param key the identity to issue for
   * @param ttlSeconds the lifetime, 1 s to 24 h
   * @param scope the operation path patterns the token is narrowed to, or {@code null} for the key's
   *     allow list as it is now
   * @return {@code {"token":..,"expiresIn":..}}
   * @throws CallException INVALID_INPUT for a lifetime out of range or a scope that is not 1 to
   *     {@value #MAX_SCOPE_PATTERNS} patterns starting with {@code /}
   */
  public JsonObject issue(AuthorizedKey key, long ttlSeconds, List<String> scope) {
    if (ttlSeconds < 1 || ttlSeconds > MAX_TTL_SECONDS) {
      throw CallException.of(ErrorCode.INVALID_INPUT, "a token lives 1 s to 24 h; ask for less");
    }
    checkScope(scope);
    JsonObject claims = new JsonObject()
        .put("sub", key.id())
        .put("allow", new JsonArray(scope == null ? key.allow() : scope))
        .put("kid", key.key().fingerprint());
    String token = jwt.generateToken(claims, new JWTOptions().setAlgorithm("EdDSA").setIssuer(hubId)
        .setAudience(java.util.List.of(AUDIENCE)).setExpiresInSeconds((int) ttlSeconds));
    return new JsonObject().put("token", token).put("expiresIn", ttlSeconds);
  }

  /**
   * @param scope patterns asked for, or {@code null}
   * @throws CallException INVALID_INPUT naming what is wrong with them
   */
  public static void checkScope(List<?> scope) {
    if (scope == null) {
      return;
    }
    if (scope.isEmpty() || scope.size() > MAX_SCOPE_PATTERNS) {
      throw CallException.of(ErrorCode.INVALID_INPUT, "\"allow\" takes 1 to " + MAX_SCOPE_PATTERNS
          + " operation path patterns such as /dev1/fs/read*; leave it out for the key's own list");
    }
    for (Object p : scope) {
      if (!(p instanceof String s) || !s.startsWith("/") || s.length() > 256) {
        throw CallException.of(ErrorCode.INVALID_INPUT, "\"allow\" pattern " + p
            + " is not an operation path pattern: each starts with / (e.g. /dev1/fs/read*)");
      }
    }
  }

  /** @return whether the text has the shape of a JWT (three base64url parts) */
  public static boolean looksLike(String token) {
    return token != null && token.chars().filter(c -> c == '.').count() == 2 && token.length() < 8192;
  }

  /**
   * @param token a hub JWT
   * @return a future of the key it stands for, as authorized now, and its scope; failed UNAUTHENTICATED
   *     when the token is malformed, tampered with, expired, not for this hub, or its key was removed
   */
  public Future<Verified> verify(String token) {
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
          JsonArray allow = user.principal().getJsonArray("allow");
          List<String> scope = allow == null ? null
              : allow.stream().map(o -> o instanceof String p ? p : "").toList();
          return Future.succeededFuture(new Verified(key, scope));
        });
  }

}
