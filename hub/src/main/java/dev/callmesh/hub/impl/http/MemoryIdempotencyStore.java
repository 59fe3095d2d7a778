package dev.callmesh.hub.impl.http;

import io.vertx.core.Future;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * An {@link IdempotencyStore} in this hub's memory, bounded three ways: at most {@code maxEntries} keys, at
 * most {@code maxEntryBytes} per answer (a larger answer is not kept: its key is released and a repeat runs
 * again), and at most {@code maxTotalBytes} of answers in all. Past a bound the oldest keys go first, running
 * or not; expired ones go as they are met. Safe to use from any thread.
 */
public final class MemoryIdempotencyStore implements IdempotencyStore {

  /** Keys kept at most: 10,000. */
  public static final int DEFAULT_MAX_ENTRIES = 10_000;
  /** The largest answer kept: 1 MiB. */
  public static final int DEFAULT_MAX_ENTRY_BYTES = 1024 * 1024;
  /** Bytes of answers kept at most, in all: 64 MiB. */
  public static final long DEFAULT_MAX_TOTAL_BYTES = 64L * 1024 * 1024;

  private static final class Entry {
    final String fingerprint;
    final long expiresAt;
    final StoredResponse response; // null while the first request runs
    final int bytes;

    Entry(String fingerprint, long expiresAt, StoredResponse response, int bytes) {
      this.fingerprint = fingerprint;
      this.expiresAt = expiresAt;
      this.response = response;
      this.bytes = bytes;
    }
  }

  private final int maxEntries;
  private final int maxEntryBytes;
  private final long maxTotalBytes;
  private final LongSupplier clock;
  private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>();
  private long totalBytes;

  /**
   * @param maxEntries keys kept at most, at least 1
   * @param maxEntryBytes the largest answer kept
   * @param maxTotalBytes bytes kept at most, at least maxEntryBytes
   * @param clock milliseconds now
   */
  public MemoryIdempotencyStore(int maxEntries, int maxEntryBytes, long maxTotalBytes, LongSupplier clock) {
    if (maxEntries < 1 || maxEntryBytes < 1 || maxTotalBytes < maxEntryBytes) {
      throw new IllegalArgumentException("idempotency store bounds: at least one entry, and the total at least one entry's bytes");
    }
    this.maxEntries = maxEntries;
    this.maxEntryBytes = maxEntryBytes;
    this.maxTotalBytes = maxTotalBytes;
    this.clock = clock;
  }

  @Override
  public synchronized Future<Begin> begin(String key, String fingerprint) {
    long now = clock.getAsLong();
    expire(now);
    Entry e = entries.get(key);
    if (e != null && e.expiresAt <= now) {
      remove(key);
      e = null;
    }
    if (e == null) {
      put(key, new Entry(fingerprint, now + RUNNING_TTL_MS, null, key.length() + 64));
      return Future.succeededFuture(new Begin(Kind.STARTED, null));
    }
    if (!e.fingerprint.equals(fingerprint)) {
      return Future.succeededFuture(new Begin(Kind.MISMATCH, null));
    }
    return Future.succeededFuture(e.response == null ? new Begin(Kind.RUNNING, null) : new Begin(Kind.REPLAY, e.response));
  }

  @Override
  public synchronized Future<Void> finish(String key, String fingerprint, StoredResponse response) {
    Entry e = entries.get(key);
    if (e != null && (!e.fingerprint.equals(fingerprint) || e.response != null)) {
      return Future.succeededFuture(); // not this request's key any more
    }
    remove(key);
    int bytes = key.length() + response.size();
    if (bytes <= maxEntryBytes) {
      put(key, new Entry(fingerprint, clock.getAsLong() + TTL_MS, response, bytes)); // newest, so last to go
    }
    return Future.succeededFuture();
  }

  @Override
  public synchronized Future<Void> release(String key, String fingerprint) {
    Entry e = entries.get(key);
    if (e != null && e.response == null && e.fingerprint.equals(fingerprint)) {
      remove(key);
    }
    return Future.succeededFuture();
  }

  /** @return how many keys are kept now */
  public synchronized int size() {
    return entries.size();
  }

  /** @return how many bytes the kept keys and answers take, as counted against the bounds */
  public synchronized long bytes() {
    return totalBytes;
  }

  private void put(String key, Entry e) {
    entries.put(key, e);
    totalBytes += e.bytes;
    Iterator<Map.Entry<String, Entry>> oldest = entries.entrySet().iterator();
    while ((entries.size() > maxEntries || totalBytes > maxTotalBytes) && oldest.hasNext()) {
      Map.Entry<String, Entry> o = oldest.next();
      if (o.getValue() == e) {
        break; // never the one just kept: it fits on its own
      }
      totalBytes -= o.getValue().bytes;
      oldest.remove();
    }
  }

  private void remove(String key) {
    Entry e = entries.remove(key);
    if (e != null) {
      totalBytes -= e.bytes;
    }
  }

  /** Drops expired keys from the oldest end, up to the first that is still alive. */
  private void expire(long now) {
    Iterator<Map.Entry<String, Entry>> oldest = entries.entrySet().iterator();
    while (oldest.hasNext()) {
      Map.Entry<String, Entry> o = oldest.next();
      if (o.getValue().expiresAt > now) {
        return;
      }
      totalBytes -= o.getValue().bytes;
      oldest.remove();
    }
  }
}
