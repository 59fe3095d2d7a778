package dev.callmesh.hub.impl;

import dev.callmesh.operations.OperationSpec;
import java.util.List;
import java.util.Map;

/**
 * What a welcomed hello registers: a spoke name, or none for a plain client.
 *
 * @param name the spoke name, or {@code null}
 * @param operations what it serves, spoke-relative
 * @param labels its labels (the key's pinned ones over those it claimed)
 * @param pool the pool it also serves as, or {@code null}
 */
record SpokeClaim(String name, List<OperationSpec> operations, Map<String, String> labels, String pool) {
}
