package dev.callmesh.protocol.client;

import dev.callmesh.protocol.auth.AuthMessages;
import dev.callmesh.protocol.auth.SshKeyPair;
import dev.callmesh.protocol.auth.SshSig;
import io.vertx.core.json.JsonObject;

/** How a peer proves who it is in {@code auth.hello} (docs/PROTOCOL.md, "Handshake"). */
@FunctionalInterface
public interface Credentials {

  /**
   * @param key an Ed25519 key pair; the hello carries an SSHSIG over the challenge
   * @return credentials that sign each challenge
   */
  static Credentials key(SshKeyPair key) {
    return (hubId, nonce) -> new JsonObject().put("signature",
        SshSig.sign(key, AuthMessages.NAMESPACE, AuthMessages.challengeMessage(hubId, nonce)));
  }

  /**
   * @param token a hub JWT or a signed-timestamp token
   * @return credentials that present the token
   */
  static Credentials token(String token) {
    return (hubId, nonce) -> new JsonObject().put("token", token);
  }

  /**
   * @param hubId the hub id from {@code auth.challenge}
   * @param nonce the nonce from {@code auth.challenge}
   * @return the proof fields of {@code auth.hello}: {@code signature} or {@code token}
   */
  JsonObject hello(String hubId, String nonce);
}
