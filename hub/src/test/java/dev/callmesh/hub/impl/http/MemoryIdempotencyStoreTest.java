package dev.callmesh.hub.impl.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.callmesh.hub.impl.http.IdempotencyStore.Kind;
import io.vertx.core.buffer.Buffer;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The in-memory idempotency store: what a repeat finds, how long keys live, and its three bounds. */
class MemoryIdempotencyStoreTest {

  final AtomicLong now = new AtomicLong(1_000_000);

  MemoryIdempotencyStore store(int entries, int entryBytes, long totalBytes) {
    return new MemoryIdempotencyStore(entries, entryBytes, totalBytes, now::get);
  }

  static StoredResponse response(int bodyBytes) {
    return new StoredResponse(200, Map.of("Location", "/v1/jobs/j1"), Buffer.buffer("x".repeat(bodyBytes)));
  }

  static Kind kind(IdempotencyStore s, String key, String fp) {
    return s.begin(key, fp).result().kind();
  }

  @Test
  void aRepeatIsToldItRunsThenGetsTheAnswerAndAnotherRequestIsAMismatch() {
    MemoryIdempotencyStore s = store(10, 1000, 10_000);
    assertEquals(Kind.STARTED, kind(s, "alice\0k", "fp1"));
    assertEquals(Kind.RUNNING, kind(s, "alice\0k", "fp1"));
    assertEquals(Kind.MISMATCH, kind(s, "alice\0k", "fp2"));
    s.finish("alice\0k", "fp1", response(10));
    IdempotencyStore.Begin replay = s.begin("alice\0k", "fp1").result();
    assertEquals(Kind.REPLAY, replay.kind());
    assertEquals(200, replay.response().status());
    assertEquals("/v1/jobs/j1", replay.response().headers().get("Location"));
    assertEquals("x".repeat(10), replay.response().json().toString());
    assertEquals(Kind.MISMATCH, kind(s, "alice\0k", "fp2"));
    assertEquals(Kind.STARTED, kind(s, "bob\0k", "fp2"), "keys are per identity");
  }

  @Test
  void aReleasedKeyRunsAgainAndOnlyItsOwnRequestReleasesIt() {
    MemoryIdempotencyStore s = store(10, 1000, 10_000);
    assertEquals(Kind.STARTED, kind(s, "k", "fp1"));
    s.release("k", "fp2");
    assertEquals(Kind.RUNNING, kind(s, "k", "fp1"), "another request's release leaves it");
    s.release("k", "fp1");
    assertEquals(Kind.STARTED, kind(s, "k", "fp1"));
    s.finish("k", "fp1", response(1));
    s.release("k", "fp1");
    assertEquals(Kind.REPLAY, kind(s, "k", "fp1"), "a kept answer is not released");
  }

  @Test
  void answersAreKept24HoursAndAnUnfinishedKeyOneHour() {
    MemoryIdempotencyStore s = store(10, 1000, 10_000);
    s.begin("done", "fp");
    s.finish("done", "fp", response(1));
    s.begin("stuck", "fp");
    now.addAndGet(IdempotencyStore.RUNNING_TTL_MS - 1);
    assertEquals(Kind.RUNNING, kind(s, "stuck", "fp"));
    now.addAndGet(1);
    assertEquals(Kind.STARTED, kind(s, "stuck", "fp"), "its first request never finished: forgotten after an hour");
    now.addAndGet(IdempotencyStore.TTL_MS - IdempotencyStore.RUNNING_TTL_MS - 1);
    assertEquals(Kind.REPLAY, kind(s, "done", "fp"));
    now.addAndGet(1);
    assertEquals(Kind.STARTED, kind(s, "done", "fp"), "24 h after its answer");
  }

  @Test
  void pastMaxEntriesTheOldestKeyGoesFirst() {
    MemoryIdempotencyStore s = store(3, 1000, 100_000);
    for (String k : new String[] {"a", "b", "c"}) {
      s.begin(k, "fp");
      s.finish(k, "fp", response(1));
    }
    s.begin("d", "fp");
    assertEquals(3, s.size());
    assertEquals(Kind.STARTED, kind(s, "a", "fp"), "a was the oldest: evicted, so it runs again");
    assertEquals(3, s.size());
    assertEquals(Kind.REPLAY, kind(s, "c", "fp"));
    assertEquals(Kind.RUNNING, kind(s, "d", "fp"));
    assertEquals(Kind.STARTED, kind(s, "b", "fp"), "b went to make room for a");
  }

  @Test
  void pastMaxTotalBytesTheOldestAnswersGoAndTheBytesAreCounted() {
    MemoryIdempotencyStore s = store(1000, 2000, 5000);
    for (int i = 0; i < 4; i++) {
      s.begin("k" + i, "fp");
      s.finish("k" + i, "fp", response(1500));
    }
    assertTrue(s.bytes() <= 5000, "bytes " + s.bytes());
    assertEquals(3, s.size(), "three answers of ~1.6 KB fit in 5000 bytes");
    assertEquals(Kind.STARTED, kind(s, "k0", "fp"));
    assertEquals(Kind.REPLAY, kind(s, "k3", "fp"));
    s.release("k0", "fp");
    long bytes = s.bytes();
    s.begin("k9", "fp");
    s.release("k9", "fp");
    assertEquals(bytes, s.bytes(), "a released key gives its bytes back");
  }

  @Test
  void anAnswerLargerThanAnEntryMayBeIsNotKeptAndTheKeyRunsAgain() {
    MemoryIdempotencyStore s = store(10, 1000, 10_000);
    s.begin("big", "fp");
    s.finish("big", "fp", response(2000));
    assertEquals(Kind.STARTED, kind(s, "big", "fp"));
    assertThrows(IllegalArgumentException.class, () -> store(0, 1, 1));
    assertThrows(IllegalArgumentException.class, () -> store(1, 100, 99));
  }
}
