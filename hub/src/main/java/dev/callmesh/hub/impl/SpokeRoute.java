package dev.callmesh.hub.impl;

import dev.callmesh.hub.RoutingTable;
import dev.callmesh.hub.SpokeInfo;
import dev.callmesh.protocol.call.CallEngine;

/** A route of the local routing table. */
record SpokeRoute(SpokeInfo info, CallEngine engine) implements RoutingTable.Route {
}
