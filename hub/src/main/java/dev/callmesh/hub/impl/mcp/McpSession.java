package dev.callmesh.hub.impl.mcp;

import dev.callmesh.hub.impl.gateway.CollectedCall;
import dev.callmesh.protocol.CallException;
import dev.callmesh.protocol.ErrorCode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;

/**
 * One MCP session: whose it is, the protocol version agreed at {@code initialize}, the tool names its last
 * {@code tools/list} showed, its tool calls running now (by JSON-RPC request id, for
 * {@code notifications/cancelled}), and its server-sent stream ({@code GET /mcp}), on which
 * {@code notifications/tools/list_changed} goes. At most one change notification waits for a full stream.
 * Used on the hub's context only.
 */
final class McpSession {

  /** The notification sent when the catalog changes. */
  static final String LIST_CHANGED = "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/tools/list_changed\"}";

  final String id;
  final String identity;
  final String protocolVersion;
  /** Tool name to operation path, as the session's last tools/list showed them. */
  Map<String, String> toolPaths = Map.of();
  final Map<String, CollectedCall> running = new HashMap<>();
  /** The identity's rights when last looked at (a stamp), to tell when a reload of authorized_keys changed them. */
  int rights;
  private SseStream stream;
  private boolean changePending;
  private long lastUsedMs;

  McpSession(String id, String identity, String protocolVersion, long now) {
    this.id = id;
    this.identity = identity;
    this.protocolVersion = protocolVersion;
    this.lastUsedMs = now;
  }

  /** Marks the session as used now. */
  void touch(long now) {
    lastUsedMs = now;
  }

  /** @return when the session was last used, in milliseconds; an open stream or a running call is use now */
  long lastUsedMs(long now) {
    return (stream != null && !stream.isClosed()) || !running.isEmpty() ? now : lastUsedMs;
  }

  /** @return the open server-sent stream, or {@code null} */
  SseStream stream() {
    return stream != null && !stream.isClosed() ? stream : null;
  }

  /** Takes a new server-sent stream; one that was open before ends (a client has one per session). */
  void stream(SseStream next) {
    SseStream old = stream;
    stream = next;
    changePending = false;
    if (old != null) {
      old.end(null);
    }
    next.drainHandler(v -> {
      if (changePending && stream == next) {
        changePending = !next.offer(LIST_CHANGED);
      }
    });
  }

  /** Forgets the stream if it is still this one (it closed). */
  void streamClosed(SseStream closed) {
    if (stream == closed) {
      stream = null;
    }
  }

  /** Tells the open stream, if any, that the tool list changed; a full stream is told when it drains. */
  void listChanged() {
    SseStream s = stream();
    if (s != null && !s.offer(LIST_CHANGED)) {
      changePending = true;
    }
  }

  /** Ends the session: its stream closes and its running tool calls are aborted. */
  void close(String why) {
    if (stream != null) {
      stream.end(null);
      stream = null;
    }
    for (CollectedCall call : new ArrayList<>(running.values())) {
      call.abort(CallException.of(ErrorCode.ABORTED, why));
    }
    running.clear();
  }
}
