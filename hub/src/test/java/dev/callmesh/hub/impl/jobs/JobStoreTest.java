package dev.callmesh.hub.impl.jobs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The job store on a real SQLite file (and in memory): what it keeps, drops, deletes and refuses. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class JobStoreTest {

  final Vertx vertx = Vertx.vertx();
  @TempDir
  Path dir;

  @AfterEach
  void close() {
    vertx.close().await();
  }

  private JobStore open(long cap) {
    return JobStore.open(vertx, dir, cap).await();
  }

  private static JobRecord job(String id, String identity, long startedAt) {
    return JobRecord.started(id, identity, "/dev1/bash/exec", startedAt, "hub-a");
  }

  @Test
  void aJobItsOutputsAndItsEndComeBackAsWritten() {
    JobStore store = open(JobStore.DEFAULT_MAX_OUTPUT_BYTES);
    store.insert(job("j1", "alice", 1000)).await();
    for (int i = 1; i <= 5; i++) {
      assertTrue(store.append("j1", i, new JsonObject().put("n", i).put("text", "é\u2603").encode()).await());
    }
    JobRecord running = store.get("j1").await();
    assertEquals(JobState.RUNNING, running.state());
    assertNull(running.endedAt());
    assertEquals(5, running.outputs());

    JsonObject error = new JsonObject().put("code", "TIMEOUT").put("message", "late").put("retryable", true);
    assertTrue(store.end("j1", JobState.FAILED, 2000, error).await());
    assertFalse(store.end("j1", JobState.COMPLETED, 3000, null).await(), "the first end stays");

    JobStore.Detail d = store.detail("j1").await();
    assertEquals(JobState.FAILED, d.job().state());
    assertEquals(2000L, d.job().endedAt());
    assertEquals(error, d.job().error());
    assertEquals("alice", d.job().identity());
    assertEquals("/dev1/bash/exec", d.job().operationId());
    assertEquals("hub-a", d.job().hub());
    assertFalse(d.job().truncated());
    JsonObject get = (JsonObject) d.toJson().decode();
    assertEquals("failed", get.getString("state"));
    assertEquals("1970-01-01T00:00:01Z", get.getString("startedAt"));
    assertEquals("1970-01-01T00:00:02Z", get.getString("endedAt"));
    JsonArray outputs = get.getJsonArray("outputs");
    assertEquals(5, outputs.size());
    assertEquals(new JsonObject().put("n", 3).put("text", "é\u2603"), outputs.getJsonObject(2));
    assertFalse(store.append("j1", 6, "1").await(), "an ended job takes no more outputs");
    store.close().await();
  }

  @Test
  void outputsComeInSeqOrderAfterTheGivenSeq() {
    JobStore store = open(JobStore.DEFAULT_MAX_OUTPUT_BYTES);
    store.insert(job("j1", "alice", 1000)).await();
    for (int i = 1; i <= 200; i++) {
      store.append("j1", i, String.valueOf(i)); // queued in order on the store's one thread
    }
    List<JobOutput> all = store.outputs("j1", 0, 1000).await();
    assertEquals(200, all.size());
    for (int i = 0; i < 200; i++) {
      assertEquals(i + 1, all.get(i).seq());
      assertEquals(String.valueOf(i + 1), all.get(i).json());
    }
    List<JobOutput> after = store.outputs("j1", 150, 10).await();
    assertEquals(List.of(151L, 152L, 153L, 154L, 155L, 156L, 157L, 158L, 159L, 160L),
        after.stream().map(JobOutput::seq).toList());
    assertEquals("{\"seq\":151,\"output\":151}", after.get(0).watchEvent());
  }

  @Test
  void outputsPastTheCapAreDroppedTheJobReadsTruncatedAndItsOutcomeIsKept() {
    JobStore store = open(100);
    store.insert(job("j1", "alice", 1000)).await();
    String forty = "\"" + "x".repeat(38) + "\""; // 40 bytes of JSON text
    assertTrue(store.append("j1", 1, forty).await());
    assertTrue(store.append("j1", 2, forty).await());
    assertFalse(store.append("j1", 3, forty).await(), "120 bytes would pass the 100-byte cap");
    assertFalse(store.append("j1", 4, "1").await(), "once truncated, later outputs are dropped too");
    assertTrue(store.end("j1", JobState.COMPLETED, 2000, null).await());
    JobStore.Detail d = store.detail("j1").await();
    assertTrue(d.job().truncated());
    assertEquals(JobState.COMPLETED, d.job().state());
    assertEquals(2, d.outputs().size());
    assertEquals(80, d.job().outputBytes());
    assertEquals(true, ((JsonObject) d.toJson().decode()).getBoolean("truncated"));
  }

  @Test
  void aMebibyteOfOutputIsKeptAndNoMore() {
    JobStore store = open(JobStore.DEFAULT_MAX_OUTPUT_BYTES);
    store.insert(job("j1", "alice", 1000)).await();
    String kib = "\"" + "y".repeat(1022) + "\""; // 1 KiB each
    for (int i = 1; i <= 1024; i++) {
      store.append("j1", i, kib);
    }
    assertFalse(store.append("j1", 1025, kib).await());
    JobRecord r = store.get("j1").await();
    assertEquals(1024, r.outputs());
    assertEquals(1024 * 1024, r.outputBytes());
    assertTrue(r.truncated());
  }

  @Test
  void endedJobsPastTheirRetentionAreDeletedWithTheirOutputsRunningOnesNever() {
    JobStore store = open(JobStore.DEFAULT_MAX_OUTPUT_BYTES);
    store.insert(job("old", "alice", 1000)).await();
    store.append("old", 1, "1").await();
    store.end("old", JobState.COMPLETED, 5_000, null).await();
    store.insert(job("recent", "alice", 2000)).await();
    store.end("recent", JobState.COMPLETED, 50_000, null).await();
    store.insert(job("running", "alice", 500)).await();

    assertEquals(1, store.purge(10_000).await());
    assertNull(store.get("old").await());
    assertTrue(store.outputs("old", 0, 10).await().isEmpty(), "its outputs went with it");
    assertNotNull(store.get("recent").await());
    assertNotNull(store.get("running").await());
    assertEquals(0, store.purge(10_000).await());
  }

  @Test
  void reopenedTheRunningJobsReadFailedUnavailableAndTheEndedOnesKeepTheirOutputs() {
    JobStore first = open(JobStore.DEFAULT_MAX_OUTPUT_BYTES);
    first.insert(job("done", "alice", 1000)).await();
    first.append("done", 1, "{\"exitCode\":0}").await();
    first.end("done", JobState.COMPLETED, 2000, null).await();
    first.insert(job("cut", "alice", 3000)).await();
    first.append("cut", 1, "\"partial\"").await();
    // No close: the hub died. The commits are in the file (and its WAL), which a second store opens.
    JobStore second = open(JobStore.DEFAULT_MAX_OUTPUT_BYTES);
    JobStore.Detail cut = second.detail("cut").await();
    assertEquals(JobState.FAILED, cut.job().state());
    assertNotNull(cut.job().endedAt());
    assertEquals("UNAVAILABLE", cut.job().error().getString("code"));
    assertEquals(true, cut.job().error().getBoolean("retryable"));
    assertEquals("the hub running this job stopped before it ended; start it again", cut.job().error().getString("message"));
    assertEquals(1, cut.outputs().size(), "what it made before is kept");
    JobStore.Detail done = second.detail("done").await();
    assertEquals(JobState.COMPLETED, done.job().state());
    assertEquals("{\"exitCode\":0}", done.outputs().get(0).json());
    second.close().await();
    first.close().await();
  }

  @Test
  void aFileThatIsNotADatabaseStopsTheOpenNamingItAndIsLeftUntouched() throws Exception {
    Path file = dir.resolve("jobs.db");
    byte[] garbage = new byte[8192];
    new java.util.Random(7).nextBytes(garbage);
    Files.write(file, garbage);
    Exception e = assertThrows(Exception.class, () -> JobStore.open(vertx, dir, 1024).await());
    assertInstanceOf(IOException.class, e);
    assertTrue(e.getMessage().contains(file.toAbsolutePath().toString()), e.getMessage());
    assertTrue(e.getMessage().contains("not a SQLite database"), e.getMessage());
    assertArrayEquals(garbage, Files.readAllBytes(file), "the file is left exactly as it was");
    assertFalse(Files.exists(dir.resolve("jobs.db-wal")));
  }

  @Test
  void aDataDirThatIsAFileStopsTheOpenNamingIt() throws Exception {
    Path notDir = dir.resolve("plain");
    Files.writeString(notDir, "x");
    Exception e = assertThrows(Exception.class, () -> JobStore.open(vertx, notDir, 1024).await());
    assertTrue(e.getMessage().contains(notDir.toAbsolutePath().toString()), e.getMessage());
  }

  @Test
  void anotherIdentitysJobLooksLikeNoJobAtAll() {
    JobStore store = open(JobStore.DEFAULT_MAX_OUTPUT_BYTES);
    store.insert(job("j1", "alice", 1000)).await();
    assertNotNull(store.get("j1", "alice").await());
    assertNull(store.get("j1", "bob").await());
    assertNull(store.get("nope", "bob").await());
    assertTrue(store.list("bob", null, 10).await().isEmpty());
  }

  @Test
  void anIdentitysJobsAreListedNewestFirstAndByState() {
    JobStore store = JobStore.open(vertx, null, 1024).await(); // in memory
    assertEquals("in memory", store.where());
    for (int i = 1; i <= 5; i++) {
      store.insert(job("j" + i, "alice", 1000L * i));
    }
    store.insert(job("b1", "bob", 9000));
    store.end("j2", JobState.ABORTED, 9000, null).await();
    assertEquals(List.of("j5", "j4", "j3", "j2", "j1"),
        store.list("alice", null, 10).await().stream().map(JobRecord::id).toList());
    assertEquals(List.of("j5", "j4"), store.list("alice", null, 2).await().stream().map(JobRecord::id).toList());
    assertEquals(List.of("j2"), store.list("alice", JobState.ABORTED, 10).await().stream().map(JobRecord::id).toList());
  }
}
