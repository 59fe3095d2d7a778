/**
 * The Java client of callmesh hubs ({@code callmesh-client}): {@link dev.callmesh.client.CallmeshClient}
 * calls and subscribes through a hub, or through any of several hubs of one mesh, and rides out their
 * failures.
 *
 * <h2>What it promises</h2>
 * <ul>
 *   <li><b>Failover.</b> It connects to the first hub of its list that answers. When that connection is
 *       lost it dials the next (round robin) after a wait drawn from {@code [0, ceiling)}, the ceiling
 *       starting at {@link dev.callmesh.client.ClientOptions#getReconnectBaseMs()} (200 ms) and doubling each
 *       time every hub has failed once more, up to {@link dev.callmesh.client.ClientOptions#getReconnectMaxMs()}
 *       (10 s). It stops only when closed.</li>
 *   <li><b>Calls while disconnected</b> wait for the next connection: at most
 *       {@link dev.callmesh.client.ClientOptions#getWaitForHubMs()} (10 s), never past their own deadline,
 *       and at most {@link dev.callmesh.client.ClientOptions#getMaxWaitingCalls()} (1000) of them; otherwise
 *       they fail at once with {@code UNAVAILABLE}. A wait that ends without a hub fails the call
 *       {@code UNAVAILABLE}, saying why the hubs could not be reached; it is not tried again.</li>
 *   <li><b>Calls in flight on a lost connection</b> fail {@code UNAVAILABLE} (retryable), unless tried
 *       again as below.</li>
 *   <li><b>Retries.</b> A query that fails with {@code UNAVAILABLE}, {@code TIMEOUT} or
 *       {@code RESOURCE_EXHAUSTED} (or a domain code marked retryable) is tried again, up to
 *       {@link dev.callmesh.client.ClientOptions#getMaxRetries()} (3) times, after full-jitter waits (ceiling
 *       200 ms doubling to 5 s), each attempt carrying what is left of the call's deadline. The client learns
 *       an operation's type from the hub's {@code /services/schema} (once per path, only when a retry is
 *       considered) or from the caller ({@link dev.callmesh.client.CallOptions#setOperationType}). Mutations,
 *       subscriptions (only before their first output) and operations of unknown type are tried again only
 *       with {@link dev.callmesh.client.CallOptions#setRetryMutations(boolean)}. Other codes never are.</li>
 *   <li><b>A circuit breaker per hub</b> (Vert.x {@code vertx-circuit-breaker}) counts that hub's failures:
 *       attempts that could not reach it, lost connections, calls it answered {@code UNAVAILABLE}; any other
 *       answer resets the count. After 5 in a row it opens, and reconnecting skips that hub; 5 s later it
 *       half-opens and the next attempt on it decides. An open breaker does not stop calls on a connection
 *       that is up.</li>
 *   <li><b>Events</b> ({@link dev.callmesh.client.ClientEvent}: connected, disconnected, attempts that failed,
 *       breaker transitions, retries) go to the log and to
 *       {@link dev.callmesh.client.CallmeshClient#eventHandler}.</li>
 * </ul>
 */
package dev.callmesh.client;
