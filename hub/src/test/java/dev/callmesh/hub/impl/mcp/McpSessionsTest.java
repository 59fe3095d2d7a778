package dev.callmesh.hub.impl.mcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.callmesh.hub.impl.gateway.CollectedCall;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The MCP sessions stay within their bounds: per identity (the least recently used goes), in all (a new one is
 * refused), in idle time; and a session is only its identity's.
 */
class McpSessionsTest {

  private static McpLimits limits(int max, int perIdentity, long idleMs) {
    McpLimits d = McpLimits.defaults();
    return new McpLimits(max, perIdentity, idleMs, d.maxStreamBytes(), d.maxCallsPerSession(), d.subscriptionTimeoutMs());
  }

  @Test
  void anIdentityPastItsBoundLosesItsLeastRecentlyUsedSession() {
    McpSessions sessions = new McpSessions(limits(100, 2, 60_000));
    McpSession a = sessions.open("agent", "2025-06-18", 1000);
    McpSession b = sessions.open("agent", "2025-06-18", 2000);
    sessions.open("other", "2025-06-18", 2500);
    assertSame(a, sessions.get(a.id, "agent", 3000)); // a is used again: b is now the least recently used
    McpSession c = sessions.open("agent", "2025-06-18", 4000);
    assertNull(sessions.get(b.id, "agent", 4001));
    assertNotNull(sessions.get(a.id, "agent", 4001));
    assertNotNull(sessions.get(c.id, "agent", 4001));
    assertEquals(3, sessions.size());
    assertNotEquals(a.id, c.id);
  }

  @Test
  void pastTheOverallBoundANewSessionIsRefusedUntilOneEndsOrExpires() {
    McpSessions sessions = new McpSessions(limits(2, 2, 60_000));
    McpSession a = sessions.open("a", "2025-06-18", 0);
    sessions.open("b", "2025-06-18", 0);
    assertNull(sessions.open("c", "2025-06-18", 1000));
    assertEquals(true, sessions.end(a.id, "a"));
    assertNotNull(sessions.open("c", "2025-06-18", 1000));
    assertNull(sessions.open("d", "2025-06-18", 1000));
    assertNotNull(sessions.open("d", "2025-06-18", 61_001), "both others were idle for more than a minute");
    assertEquals(1, sessions.size());
  }

  @Test
  void aSessionIsOnlyItsIdentitysAndAnIdleOneIsGone() {
    McpSessions sessions = new McpSessions(limits(10, 10, 1000));
    McpSession a = sessions.open("agent", "2025-06-18", 0);
    assertNull(sessions.get(a.id, "intruder", 10));
    assertEquals(false, sessions.end(a.id, "intruder"));
    assertSame(a, sessions.get(a.id, "agent", 900));
    assertSame(a, sessions.get(a.id, "agent", 1800), "each use starts the idle time again");
    assertNull(sessions.get(a.id, "agent", 2801));
    assertEquals(0, sessions.size());
    assertNull(sessions.get(null, "agent", 0));
  }

  @Test
  void aRunningCallKeepsItsSessionFromExpiring() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      Promise<CollectedCall> made = Promise.promise();
      vertx.runOnContext(v -> made.complete(new CollectedCall("t", new JsonObject().put("operationId", "/dev1/bash/exec"),
          true, 1024, null, () -> { })));
      CollectedCall call = made.future().await(10, TimeUnit.SECONDS);
      McpSessions sessions = new McpSessions(limits(10, 10, 1000));
      McpSession a = sessions.open("agent", "2025-06-18", 0);
      a.running.put("1", call);
      sessions.expire(5000);
      assertSame(a, sessions.get(a.id, "agent", 5000), "a long tool call is not idleness");
      a.running.clear();
      assertNull(sessions.get(a.id, "agent", 6001));
    } finally {
      vertx.close().await();
    }
  }
}
