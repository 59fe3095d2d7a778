package dev.callmesh.hub.impl;

import dev.callmesh.protocol.auth.AuthorizedKey;
import dev.callmesh.protocol.auth.Glob;
import java.util.List;
import java.util.Objects;

/**
 * Who a connection or an HTTP request is, as the hub authenticated it: the authorized key in force now
 * (replaced when authorized_keys is reloaded), how it proved itself, and the scope its token carries.
 * Its rights are the key's current allow list, narrowed by the scope when there is one.
 *
 * @param key the authorized key as now in force
 * @param proof how the peer proved it holds the key
 * @param scope the {@code allow} patterns of the hub JWT it presented, or {@code null} for no narrowing
 */
record Principal(AuthorizedKey key, Proof proof, List<String> scope) {

  /** How a peer proved who it is. */
  enum Proof {
    /** An SSH signature over the hub's challenge. */
    SIGNATURE,
    /** A signed-timestamp token. */
    TIMESTAMP_TOKEN,
    /** A JWT the hub issued. */
    JWT
  }

  Principal {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(proof, "proof");
    scope = scope == null ? null : List.copyOf(scope);
  }

  /** @return a principal proven by the key itself (a signature or a signed-timestamp token) */
  static Principal of(AuthorizedKey key, Proof proof) {
    return new Principal(key, proof, null);
  }

  /** @return the identity id */
  String id() {
    return key.id();
  }

  /** @return the same principal with the key as reloaded from authorized_keys */
  Principal withKey(AuthorizedKey now) {
    return new Principal(now, proof, scope);
  }

  /**
   * @param operationPath a full operation path
   * @return whether both the key's current allow list and the token's scope (if any) permit the path;
   *     {@code /services/*} needs no scope entry, as it needs no allow entry
   */
  boolean mayCall(String operationPath) {
    if (!key.mayCall(operationPath)) {
      return false;
    }
    if (scope == null || operationPath.startsWith(AuthorizedKey.SERVICES_PREFIX)) {
      return true;
    }
    for (String pattern : scope) {
      if (Glob.matches(pattern, operationPath)) {
        return true;
      }
    }
    return false;
  }

  /** @return whether this principal may obtain a hub JWT: only a key's own proof may, never a JWT */
  boolean mayIssueTokens() {
    return proof != Proof.JWT;
  }

  /** @return the rights for messages: the allow list, and the scope when narrowed */
  String rights() {
    return scope == null ? "its allow list is " + key.allow()
        : "its allow list is " + key.allow() + " and its token is scoped to " + scope;
  }
}
