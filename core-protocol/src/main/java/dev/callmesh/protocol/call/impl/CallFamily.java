package dev.callmesh.protocol.call.impl;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which calls were made on behalf of which ({@code parentRequestId}) on one connection, so that ending
 * a call early can end the calls made for it. Every entry is forgotten when its call ends, however it
 * ends. Confined to the connection's context.
 */
final class CallFamily {

  /** Calls we made on behalf of a call we serve, by the served call's id. */
  private final Map<String, Set<String>> outboundByParent = new HashMap<>();
  /** The served call each of those was made for, by our call's id. */
  private final Map<String, String> parentOfOutbound = new HashMap<>();
  /** Calls the peer made to us on behalf of a call we made, by our call's id. */
  private final Map<String, Set<String>> inboundByParent = new HashMap<>();

  void outboundStarted(String parentInboundId, String childId) {
    outboundByParent.computeIfAbsent(parentInboundId, k -> new HashSet<>()).add(childId);
    parentOfOutbound.put(childId, parentInboundId);
  }

  /** A call we made ended (any way): it is no longer a child of the call it was made for. */
  void outboundEnded(String childId) {
    if (parentOfOutbound.isEmpty()) {
      return;
    }
    String parent = parentOfOutbound.remove(childId);
    if (parent != null) {
      removeFrom(outboundByParent, parent, childId);
    }
  }

  void inboundStarted(String parentOutboundId, String childId) {
    inboundByParent.computeIfAbsent(parentOutboundId, k -> new HashSet<>()).add(childId);
  }

  /** A call the peer made ended: forget it as a child, and forget the calls we made for it. */
  void inboundEnded(String parentOutboundId, String childId) {
    if (parentOutboundId != null) {
      removeFrom(inboundByParent, parentOutboundId, childId);
    }
    if (!outboundByParent.isEmpty()) {
      outboundChildrenOf(childId);
    }
  }

  /** @return the ids of the calls we made for the served call, forgetting them */
  List<String> outboundChildrenOf(String parentInboundId) {
    Set<String> children = outboundByParent.remove(parentInboundId);
    if (children == null) {
      return List.of();
    }
    children.forEach(parentOfOutbound::remove);
    return List.copyOf(children);
  }

  /** @return the ids of the calls the peer made for our call, forgetting them */
  List<String> inboundChildrenOf(String parentOutboundId) {
    Set<String> children = inboundByParent.remove(parentOutboundId);
    return children == null ? List.of() : List.copyOf(children);
  }

  /** @return how many entries are kept, for tests: zero once every call has ended */
  int size() {
    return outboundByParent.size() + parentOfOutbound.size() + inboundByParent.size();
  }

  void clear() {
    outboundByParent.clear();
    parentOfOutbound.clear();
    inboundByParent.clear();
  }

  private static void removeFrom(Map<String, Set<String>> byParent, String parent, String child) {
    Set<String> siblings = byParent.get(parent);
    if (siblings != null && siblings.remove(child) && siblings.isEmpty()) {
      byParent.remove(parent);
    }
  }
}
