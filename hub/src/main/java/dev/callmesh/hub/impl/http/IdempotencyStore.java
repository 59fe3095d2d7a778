package dev.callmesh.hub.impl.http;

import io.vertx.core.Future;
import io.vertx.core.Vertx;

/**
 * Where the first answers to requests with an {@code Idempotency-Key} are kept, by (identity, key). A request
 * {@link #begin}s: the first of its key runs; a repeat with the same fingerprint (method, path and query,
 * body) is replayed once the first has {@link #finish}ed, or told it still runs; one with another fingerprint
 * is refused. Answers are kept {@link #TTL_MS} (24 h); a key whose first request never finished (its hub died)
 * is forgotten after {@link #RUNNING_TTL_MS} (1 h).
 * <p>
 * {@link #memory} keeps them in this hub, bounded. {@link #shared} keeps them in Vert.x's cluster-wide map, so
 * that every hub of a cluster sees the same keys; its bounds are the cluster map's configuration.
 */
public interface IdempotencyStore {

  /** How long an answer is kept: 24 hours. */
  long TTL_MS = 24 * 3600_000L;
  /** How long a key whose first request has not finished blocks its repeats: 1 hour. */
  long RUNNING_TTL_MS = 3600_000L;
  /** The name of the cluster-wide map {@link #shared} uses. */
  String SHARED_MAP = "callmesh.idempotency";

  /** What {@link #begin} found. */
  enum Kind {
    /** The key is new: run the request, then {@link #finish} or {@link #release} it. */
    STARTED,
    /** The first request with the key has not answered yet (409). */
    RUNNING,
    /** The key was used for another request (422). */
    MISMATCH,
    /** The first request's answer: send it again. */
    REPLAY
  }

  /**
   * @param kind what was found
   * @param response the answer to replay, for {@link Kind#REPLAY}
   */
  record Begin(Kind kind, StoredResponse response) {
  }

  /** @return a store in this hub's memory with the default bounds of {@link MemoryIdempotencyStore} */
  static IdempotencyStore memory() {
    return new MemoryIdempotencyStore(MemoryIdempotencyStore.DEFAULT_MAX_ENTRIES,
        MemoryIdempotencyStore.DEFAULT_MAX_ENTRY_BYTES, MemoryIdempotencyStore.DEFAULT_MAX_TOTAL_BYTES,
        System::currentTimeMillis);
  }

  /**
   * @param vertx a clustered Vert.x: its shared data is the cluster's
   * @return a store in the cluster-wide map {@link #SHARED_MAP}
   */
  static IdempotencyStore shared(Vertx vertx) {
    return new SharedIdempotencyStore(vertx, MemoryIdempotencyStore.DEFAULT_MAX_ENTRY_BYTES);
  }

  /**
   * @param key the identity and the client's key
   * @param fingerprint what the request was (method, path and query, body)
   * @return a future of what to do; when {@link Kind#STARTED} the key is now held until finished or released
   */
  Future<Begin> begin(String key, String fingerprint);

  /**
   * Keeps the answer to a started key for its repeats; one larger than the store keeps releases the key instead.
   *
   * @return a future completed once it is kept
   */
  Future<Void> finish(String key, String fingerprint, StoredResponse response);

  /**
   * Forgets a started key without an answer (the request failed before it ran, or its answer is not kept): a
   * repeat runs again.
   *
   * @return a future completed once it is forgotten
   */
  Future<Void> release(String key, String fingerprint);
}
