package dev.callmesh.hub.impl;

import dev.callmesh.hub.impl.metrics.HubMetrics;
import dev.callmesh.operations.OperationRegistry;

/**
 * What every connection's {@link HubRouter} shares: where spokes are, what the hub serves itself, the
 * per-identity call rate, and the meters. Each is safe to use from any connection's context.
 *
 * @param targets the spokes and pools by name
 * @param localOperations {@code /services/*} and {@code /hub/*}
 * @param callRate calls per second per identity
 * @param metrics what calls are counted in
 */
record Routing(Targets targets, OperationRegistry localOperations, CallRate callRate, HubMetrics metrics) {
}
