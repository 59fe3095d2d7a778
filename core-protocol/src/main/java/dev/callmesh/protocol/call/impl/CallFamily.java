package dev.callmesh.protocol.call.impl;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which calls were made on behalf of which ({@code parentRequestId}), on one connection, so that ending
 * a call can end the calls made for it. Confined to the connection's context.
 */
final class CallFamily {

  /** Calls we made on behalf of a call we serve, by the served call's id. */
  private final Map<String, Set<String>> outboundByParent = new HashMap<>();
  /** Calls the peer made to us on behalf of a call we made, by our call's id. */
  private final Map<String, Set<String>> inboundByParent = new HashMap<>();

  void outboundStarted(String parentInboundId, String childId) {
    outboundByParent.computeIfAbsent(parentInboundId, k -> new HashSet<>()).add(childId);
  }

  void inboundStarted(String parentOutboundId, String childId) {
    inboundByParent.computeIfAbsent(parentOutboundId, k -> new HashSet<>()).add(childId);
  }

  void inboundEnded(String parentOutboundId, String childId) {
    Set<String> siblings = inboundByParent.get(parentOutboundId);
    if (siblings != null && siblings.remove(childId) && siblings.isEmpty()) {
      inboundByParent.remove(parentOutboundId);
    }
  }

  /** @return the ids of the calls we made for the served call, forgetting them */
  List<String> outboundChildrenOf(String parentInboundId) {
    Set<String> children = outboundByParent.remove(parentInboundId);
    return children == null ? List.of() : List.copyOf(children);
  }

  /** @return the ids of the calls the peer made for our call, forgetting them */
  List<String> inboundChildrenOf(String parentOutboundId) {
    outboundByParent.values().forEach(set -> set.remove(parentOutboundId));
    Set<String> children = inboundByParent.remove(parentOutboundId);
    return children == null ? List.of() : List.copyOf(children);
  }

  void clear() {
    outboundByParent.clear();
    inboundByParent.clear();
  }
}
