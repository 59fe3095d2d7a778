package dev.callmesh.hub.impl;

import dev.callmesh.hub.impl.http.JwtIssuer;
import dev.callmesh.protocol.CallException;
import dev.callmesh.protocol.ErrorCode;
import dev.callmesh.protocol.auth.AuthException;
import dev.callmesh.protocol.auth.TimestampToken;
import io.vertx.core.Future;

/** Tells the two kinds of token apart (signed-timestamp and hub JWT) and verifies either; never logs them. */
final class Tokens {

  /** How far a signed-timestamp token's clock may be from the hub's: 300 s. */
  static final long MAX_SKEW_SECONDS = TimestampToken.DEFAULT_MAX_SKEW_SECONDS;

  private Tokens() {
  }

  /**
   * @param token a signed-timestamp token or a hub JWT
   * @return a future of who the token stands for, failed with an {@link AuthException} UNAUTHENTICATED
   *     otherwise (UNAVAILABLE while the hub has no authorized_keys loaded)
   */
  static Future<Principal> verify(HubImpl hub, String token) {
    if (hub.keys() == null) {
      return Future.failedFuture(new AuthException(ErrorCode.UNAVAILABLE,
          "the hub has not loaded its authorized_keys file yet; try again in a moment"));
    }
    try {
      if (TimestampToken.looksLike(token)) {
        return Future.succeededFuture(Principal.of(TimestampToken.verify(token, hub.keys(),
            System.currentTimeMillis() / 1000, MAX_SKEW_SECONDS), Principal.Proof.TIMESTAMP_TOKEN));
      }
    } catch (AuthException e) {
      return Future.failedFuture(e);
    }
    if (JwtIssuer.looksLike(token)) {
      return hub.jwt().verify(token).map(v -> new Principal(v.key(), Principal.Proof.JWT, v.scope())).recover(err -> Future.failedFuture(new AuthException(ErrorCode.UNAUTHENTICATED,
          err instanceof CallException ? err.getMessage() : "the token is not valid")));
    }
    return Future.failedFuture(new AuthException(ErrorCode.UNAUTHENTICATED,
        "the token is neither a signed-timestamp token nor a hub JWT; make one with 'callmesh token'"));
  }
}
