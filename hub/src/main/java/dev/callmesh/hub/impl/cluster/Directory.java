package dev.callmesh.hub.impl.cluster;

/**
 * The cluster's shared directory of spokes, by name, as this hub writes to it. Writes are asynchronous
 * and never block the caller; what every hub sees comes back as entry events.
 */
interface Directory {

  /** Sets the spoke's entry (a hub that admits or re-asserts a spoke). */
  void put(SpokeEntry entry);

  /** Removes the spoke's entry, but only if it is still exactly this one. */
  void remove(SpokeEntry entry);
}
