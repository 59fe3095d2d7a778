package dev.callmesh.hub.impl.mcp;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The MCP sessions, by id, within {@link McpLimits}: at most {@code maxSessions} in all (a new one past that is
 * refused), at most {@code maxSessionsPerIdentity} per identity (a new one past that ends the identity's least
 * recently used), and none idle longer than {@code idleTimeoutMs}. A session belongs to the identity that
 * opened it: asked for by another, it does not exist. Ids are 128 random bits, base64url. Used on the hub's
 * context only.
 */
final class McpSessions {

  private final Map<String, McpSession> sessions = new HashMap<>();
  private final McpLimits limits;
  private final SecureRandom random = new SecureRandom();

  McpSessions(McpLimits limits) {
    this.limits = limits;
  }

  /**
   * @param identity who opens it
   * @param protocolVersion the version agreed
   * @param now the time in milliseconds
   * @return the new session, or {@code null} when the hub holds {@code maxSessions} sessions that are not idle
   */
  McpSession open(String identity, String protocolVersion, long now) {
    expire(now);
    if (sessions.size() >= limits.maxSessions()) {
      return null;
    }
    List<McpSession> own = new ArrayList<>();
    for (McpSession s : sessions.values()) {
      if (s.identity.equals(identity)) {
        own.add(s);
      }
    }
    own.sort((a, b) -> Long.compare(a.lastUsedMs(now), b.lastUsedMs(now)));
    for (int i = 0; i <= own.size() - limits.maxSessionsPerIdentity(); i++) {
      close(own.get(i), "the identity opened more than " + limits.maxSessionsPerIdentity() + " MCP sessions");
    }
    byte[] bits = new byte[16];
    random.nextBytes(bits);
    McpSession session = new McpSession(Base64.getUrlEncoder().withoutPadding().encodeToString(bits), identity,
        protocolVersion, now);
    sessions.put(session.id, session);
    return session;
  }

  /**
   * @param id the {@code Mcp-Session-Id} a request sent
   * @param identity who sent it
   * @param now the time in milliseconds
   * @return the session, marked as used, or {@code null} when there is none of that id for that identity (it
   *     never was, ended, or expired)
   */
  McpSession get(String id, String identity, long now) {
    McpSession s = id == null ? null : sessions.get(id);
    if (s == null || !s.identity.equals(identity)) {
      return null;
    }
    if (now - s.lastUsedMs(now) > limits.idleTimeoutMs()) {
      close(s, "the session was idle too long");
      return null;
    }
    s.touch(now);
    return s;
  }

  /**
   * Ends a session of the identity.
   *
   * @return whether there was one of that id
   */
  boolean end(String id, String identity) {
    McpSession s = id == null ? null : sessions.get(id);
    if (s == null || !s.identity.equals(identity)) {
      return false;
    }
    close(s, "the MCP client ended the session");
    return true;
  }

  /** Ends every session idle longer than the limit. */
  void expire(long now) {
    for (McpSession s : new ArrayList<>(sessions.values())) {
      if (now - s.lastUsedMs(now) > limits.idleTimeoutMs()) {
        close(s, "the session was idle too long");
      }
    }
  }

  /** @return the sessions now */
  Collection<McpSession> all() {
    return sessions.values();
  }

  /** @return how many sessions there are */
  int size() {
    return sessions.size();
  }

  private void close(McpSession s, String why) {
    sessions.remove(s.id);
    s.close(why);
  }
}
