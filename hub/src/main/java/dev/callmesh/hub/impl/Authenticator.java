package dev.callmesh.hub.impl;

import dev.callmesh.hub.HubOptions;
import dev.callmesh.hub.impl.http.JwtIssuer;
import dev.callmesh.protocol.CallException;
import dev.callmesh.protocol.ErrorCode;
import dev.callmesh.protocol.auth.AuthException;
import dev.callmesh.protocol.auth.AuthMessages;
import dev.callmesh.protocol.auth.AuthorizedKeys;
import dev.callmesh.protocol.auth.Ed25519;
import dev.callmesh.protocol.auth.SshSig;
import dev.callmesh.protocol.auth.TimestampToken;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.util.function.Consumer;

/**
 * Who may come in, and how they prove it: the authorized keys (reloaded as the file changes), the hub's
 * own key and the JWTs it signs, and the checks of a handshake's signature and of either kind of token.
 * Never logs a token. Safe to use from any thread.
 */
final class Authenticator {

  /** How far a signed-timestamp token's clock may be from the hub's: 300 s. */
  static final long MAX_SKEW_SECONDS = TimestampToken.DEFAULT_MAX_SKEW_SECONDS;

  private final Vertx vertx;
  private final HubOptions options;
  private final KeysWatcher keysWatcher;
  private final WorkerExecutor workers;
  private volatile JwtIssuer jwt;

  /**
   * @param vertx the hub's Vert.x
   * @param options where the keys are, the hub's id and key file
   * @param onKeysChanged told of every reload of authorized_keys, on the hub's context
   */
  Authenticator(Vertx vertx, HubOptions options, Consumer<AuthorizedKeys> onKeysChanged) {
    this.vertx = vertx;
    this.options = options;
    this.keysWatcher = new KeysWatcher(vertx, options.getAuthorizedKeys(), options.getKeysPollMs(), onKeysChanged);
    // Ed25519 verification is CPU work (about 90 µs): one thread per core, off the event loops.
    this.workers = vertx.createSharedWorkerExecutor("callmesh-auth", Runtime.getRuntime().availableProcessors());
  }

  /**
   * Loads (or makes) the hub's key and the authorized keys, and starts watching the keys file.
   *
   * @return a future completed once both were tried; failed only when the hub's key cannot be read or made
   */
  Future<Void> start() {
    Ed25519.prepare(); // every spoke's handshake is a verification: build the fast tables before they come
    return vertx.executeBlocking(() -> HubKey.loadOrCreate(DataDir.hubKeyFile(options)), false).compose(key -> {
      // The hubs of a cluster share their key and honour each other's tokens: their issuer is the cluster.
      String issuer = options.getCluster() == null ? options.getHubId() : "cluster:" + options.getCluster().getName();
      jwt = new JwtIssuer(vertx, key, issuer, keysWatcher::keys);
      return keysWatcher.start();
    });
  }

  /** @return the keys in force, or {@code null} while the authorized_keys file has not been loaded */
  AuthorizedKeys keys() {
    return keysWatcher.keys();
  }

  /** @return why the authorized_keys file is not loaded yet, or {@code null} once it is */
  String keysProblem() {
    return keysWatcher.problem();
  }

  /** @return the issuer of the hub's JWTs (after {@link #start()}) */
  JwtIssuer jwt() {
    return jwt;
  }

  /**
   * @param signature the {@code signature} of an {@code auth.hello}
   * @param nonce the nonce of the challenge it answers
   * @return a future of the principal, on a worker; failed with an {@link AuthException}
   */
  Future<Principal> verifySignature(String signature, String nonce) {
    AuthorizedKeys keys = keysWatcher.keys();
    byte[] message = AuthMessages.challengeMessage(options.getHubId(), nonce);
    return workers.executeBlocking(() -> SshSig.verify(signature, AuthMessages.NAMESPACE, message), false)
        .compose(pk -> keys.find(pk).map(Future::succeededFuture)
            // A key added a moment ago is let in now, not at the next poll of the file.
            .orElseGet(() -> keysWatcher.recheck().map(fresh -> fresh == null ? null : fresh.find(pk).orElse(null)))
            .compose(k -> k != null ? Future.succeededFuture(Principal.of(k, Principal.Proof.SIGNATURE))
                : Future.failedFuture(new AuthException(ErrorCode.UNAUTHENTICATED,
                    "key " + pk.fingerprint() + " is not in the hub's authorized_keys; add its .pub line there"))));
  }

  /**
   * Tells the two kinds of token apart (signed-timestamp and hub JWT) and verifies either.
   *
   * @param token a signed-timestamp token or a hub JWT
   * @return a future of who the token stands for, failed with an {@link AuthException} UNAUTHENTICATED
   *     otherwise (UNAVAILABLE while the hub has no authorized_keys loaded)
   */
  Future<Principal> verifyToken(String token) {
    AuthorizedKeys keys = keysWatcher.keys();
    if (keys == null) {
      return Future.failedFuture(new AuthException(ErrorCode.UNAVAILABLE,
          "the hub has not loaded its authorized_keys file yet; try again in a moment"));
    }
    try {
      if (TimestampToken.looksLike(token)) {
        return Future.succeededFuture(Principal.of(TimestampToken.verify(token, keys,
            System.currentTimeMillis() / 1000, MAX_SKEW_SECONDS), Principal.Proof.TIMESTAMP_TOKEN));
      }
    } catch (AuthException e) {
      return Future.failedFuture(e);
    }
    if (JwtIssuer.looksLike(token)) {
      return jwt.verify(token).map(v -> new Principal(v.key(), Principal.Proof.JWT, v.scope()))
          .recover(err -> Future.failedFuture(new AuthException(ErrorCode.UNAUTHENTICATED,
              err instanceof CallException ? err.getMessage() : "the token is not valid")));
    }
    return Future.failedFuture(new AuthException(ErrorCode.UNAUTHENTICATED,
        "the token is neither a signed-timestamp token nor a hub JWT; make one with 'callmesh token'"));
  }

  /** Stops watching the keys file and releases the workers. */
  void close() {
    keysWatcher.stop();
    workers.close();
  }
}
