package dev.callmesh.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.callmesh.client.CallmeshClient;
import dev.callmesh.protocol.CallException;
import dev.callmesh.protocol.call.CallStream;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Faults of whole processes, as an operator meets them: a spoke killed mid-stream, the hub killed
 * under its spokes and clients, a frozen spoke, and a burst of concurrent calls. Each test ends with
 * nothing pending anywhere.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class FaultIT {

  Mesh mesh;
  Path spokeKey;
  Path admin;
  Path root;

  @BeforeEach
  void start() throws Exception {
    mesh = new Mesh();
    spokeKey = mesh.spokeKey("dev1");
    admin = mesh.adminKey();
    root = mesh.root("dev1");
    Files.writeString(root.resolve("a.txt"), "a");
  }

  @AfterEach
  void stop() throws Exception {
    mesh.close();
    // Processes a killed spoke left behind are this test's to end (matched by their unique arguments).
    ProcessHandle.allProcesses()
        .filter(h -> h.info().commandLine().orElse("").matches("(.*/)?(seq 1 1000000007|sleep 430[0-9])"))
        .forEach(ProcessHandle::destroyForcibly);
  }

  /** @return the failure of the future within the time, or an AssertionError if it succeeded or hung */
  private static CallException failureOf(Future<?> f, long millis) throws Exception {
    Throwable t = f.toCompletionStage().toCompletableFuture().handle((ok, e) -> e).get(millis, TimeUnit.MILLISECONDS);
    assertTrue(t instanceof CallException, "expected a CallException, got " + t);
    return (CallException) t;
  }

  private static long msSince(long nanos) {
    return (System.nanoTime() - nanos) / 1_000_000;
  }

  @Test
  void killingTheSpokeMidStreamEndsTheStreamUnavailableAtOnce() throws Exception {
    mesh.startHub(0);
    JavaProcess spoke = mesh.startSpoke("dev1", spokeKey, root);
    CallmeshClient client = mesh.client(admin);
    // GIVEN a stream with a window, flowing
    AtomicLong outputs = new AtomicLong();
    AtomicReference<Throwable> error = new AtomicReference<>();
    AtomicLong endedAt = new AtomicLong();
    CallStream stream = client.subscribe(new JsonObject().put("operationId", "/dev1/bash/exec")
        .put("input", new JsonObject().put("command", "seq 1 1000000007")), 16);
    stream.handler(o -> outputs.incrementAndGet())
        .exceptionHandler(e -> {
          endedAt.set(System.nanoTime());
          error.set(e);
        })
        .endHandler(v -> endedAt.set(System.nanoTime()));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (outputs.get() < 100 && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertTrue(outputs.get() >= 100, "the stream did not flow: " + outputs.get() + " outputs");
    // WHEN the spoke is killed with SIGKILL
    long killed = System.nanoTime();
    spoke.kill();
    // THEN the stream ends with UNAVAILABLE within a second and a half
    while (endedAt.get() == 0 && msSince(killed) < 10_000) {
      Thread.sleep(10);
    }
    assertTrue(endedAt.get() != 0, "the stream did not end within 10 s of the kill");
    long tookMs = (endedAt.get() - killed) / 1_000_000;
    System.out.printf("FaultIT: stream ended %d ms after the spoke was killed, after %d outputs%n", tookMs, outputs.get());
    assertNotNull(error.get(), "the stream ended normally, not with an error");
    assertEquals("UNAVAILABLE", ((CallException) error.get()).code(), error.get().toString());
    assertTrue(((CallException) error.get()).retryable());
    assertTrue(tookMs < 1500, "took " + tookMs + " ms");
    assertEquals(0, client.engine().pendingCount());
    assertEquals(Map.of(), Mesh.inFlight(client), "the hub still lists the killed spoke or calls towards it");
    // The command's process lost its reader with the spoke: it must not run on forever.
    long goneMs = Procs.millisUntilGone("(.*/)?seq 1 1000000007", 5000);
    assertTrue(goneMs >= 0, "seq still runs 5 s after its spoke was killed: " + Procs.matching("(.*/)?seq 1 1000000007"));
  }

  @Test
  void killingTheHubFailsPendingCallsAtOnceAndTheSpokeComesBackToANewHub() throws Exception {
    mesh.startHub(0);
    JavaProcess spoke = mesh.startSpoke("dev1", spokeKey, root);
    CallmeshClient client = mesh.client(admin);
    // GIVEN two calls pending at the hub: a stream and a mutation, both running processes on the spoke
    AtomicReference<Throwable> streamError = new AtomicReference<>();
    AtomicLong streamEndedAt = new AtomicLong();
    client.subscribe("/dev1/bash/exec", new JsonObject().put("command", "sleep 4301"))
        .handler(o -> { })
        .exceptionHandler(e -> {
          streamEndedAt.set(System.nanoTime());
          streamError.set(e);
        });
    Future<Object> run = client.call("/dev1/bash/run", new JsonObject().put("command", "sleep 4302"), 60_000);
    Procs.awaitPresent("(.*/)?sleep 4301");
    Procs.awaitPresent("(.*/)?sleep 4302");
    assertEquals(2, client.engine().pendingCount());
    int port = mesh.port;
    // WHEN the hub is killed with SIGKILL
    long killed = System.nanoTime();
    mesh.hub.kill();
    // THEN both calls fail UNAVAILABLE at once
    CallException runError = failureOf(run, 5000);
    long runMs = msSince(killed);
    while (streamEndedAt.get() == 0 && msSince(killed) < 5000) {
      Thread.sleep(10);
    }
    assertEquals("UNAVAILABLE", runError.code(), runError.toString());
    assertTrue(streamError.get() instanceof CallException, "the stream did not fail: " + streamError.get());
    assertEquals("UNAVAILABLE", ((CallException) streamError.get()).code());
    long streamMs = (streamEndedAt.get() - killed) / 1_000_000;
    System.out.printf("FaultIT: after the hub was killed the call failed in %d ms, the stream in %d ms%n", runMs, streamMs);
    assertTrue(runMs < 1000 && streamMs < 1000, "took " + runMs + " / " + streamMs + " ms");
    assertEquals(0, client.engine().pendingCount());
    // ... the spoke stops what it ran for calls whose caller is gone, and keeps trying to reconnect
    assertTrue(Procs.millisUntilGone("(.*/)?sleep 430[12]", 5000) >= 0,
        "the spoke still runs the processes of calls whose hub is gone: " + Procs.matching("(.*/)?sleep 430[12]"));
    Thread.sleep(2000);
    assertTrue(spoke.process().isAlive(), "the spoke exited when the hub went away: " + spoke.stderr());
    String spokeLog = String.join("\n", spoke.stdoutLines()) + "\n" + spoke.stderr();
    assertTrue(spokeLog.contains("lost the hub; reconnecting"), spokeLog);
    System.out.println("FaultIT: spoke log while the hub was down:\n" + spokeLog);
    // WHEN a new hub starts on the same port THEN the spoke is callable again
    mesh.startHub(port);
    long listening = System.nanoTime();
    CallmeshClient again = mesh.client(admin);
    Object out = null;
    while (out == null && msSince(listening) < 15_000) {
      try {
        out = again.call("/dev1/fs/readFile", new JsonObject().put("path", "a.txt")).await();
      } catch (CallException e) {
        assertEquals("UNAVAILABLE", e.code(), e.toString());
        Thread.sleep(100);
      }
    }
    assertNotNull(out, "the spoke did not come back within 15 s of the new hub");
    System.out.printf("FaultIT: the spoke was callable %d ms after the new hub listened%n", msSince(listening));
    assertEquals("a", ((JsonObject) out).getString("content"));
    assertEquals(0, again.engine().pendingCount());
    assertEquals(Map.of("dev1", 0), Mesh.inFlight(again));
  }

  @Test
  void aFrozenSpokeIsDroppedAfterMissedHeartbeatsItsCallsFailAndItComesBackWhenThawed() throws Exception {
    mesh.startHub(0, "--heartbeat", "1s");
    JavaProcess spoke = mesh.startSpoke("dev1", spokeKey, root);
    CallmeshClient client = mesh.client(admin);
    assertEquals(1, ((JsonObject) client.call("/dev1/fs/stat", new JsonObject().put("path", "a.txt")).await())
        .getInteger("size"));
    try {
      // GIVEN the spoke stops reading (SIGSTOP) with a call in flight
      spoke.signal("STOP");
      long stopped = System.nanoTime();
      Future<Object> call = client.call("/dev1/fs/stat", new JsonObject().put("path", "a.txt"));
      // THEN the hub drops it after three missed heartbeats (1 s each), failing the call UNAVAILABLE
      CallException e = failureOf(call, 10_000);
      long failedMs = msSince(stopped);
      assertEquals("UNAVAILABLE", e.code(), e.toString());
      Map<String, Integer> spokes = Mesh.inFlight(client);
      while (spokes.containsKey("dev1") && msSince(stopped) < 10_000) {
        Thread.sleep(50);
        spokes = Mesh.inFlight(client);
      }
      long droppedMs = msSince(stopped);
      System.out.printf("FaultIT: frozen spoke's call failed after %d ms, spoke dropped after %d ms%n", failedMs, droppedMs);
      assertFalse(spokes.containsKey("dev1"), "the frozen spoke is still listed: " + spokes);
      assertTrue(failedMs < 5500 && droppedMs < 5500, "took " + failedMs + " / " + droppedMs + " ms");
      assertEquals(0, client.engine().pendingCount());
      assertTrue(client.engine().transport().isClosed() == false, "the client's own connection was dropped too");
    } finally {
      spoke.signal("CONT");
    }
    // WHEN it is thawed THEN it reconnects and serves again
    long thawed = System.nanoTime();
    Object out = null;
    while (out == null && msSince(thawed) < 15_000) {
      try {
        out = client.call("/dev1/fs/stat", new JsonObject().put("path", "a.txt")).await();
      } catch (CallException e) {
        assertEquals("UNAVAILABLE", e.code(), e.toString());
        Thread.sleep(100);
      }
    }
    assertNotNull(out, "the thawed spoke did not come back within 15 s");
    System.out.printf("FaultIT: thawed spoke callable again after %d ms%n", msSince(thawed));
    assertEquals(1, ((JsonObject) out).getInteger("size"));
    assertTrue(spoke.process().isAlive());
    assertEquals(0, client.engine().pendingCount());
    assertEquals(Map.of("dev1", 0), Mesh.inFlight(client));
  }

  @Test
  void twoThousandConcurrentCallsOverTwentyClientsAllAnswerCorrectly() throws Exception {
    for (int i = 0; i < 100; i++) {
      Files.writeString(root.resolve("f" + i + ".txt"), "file " + i + "\n" + "x".repeat(i));
    }
    mesh.startHub(0);
    mesh.startSpoke("dev1", spokeKey, root);
    List<CallmeshClient> clients = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      clients.add(mesh.client(admin));
    }
    // WHEN 20 clients make 100 calls each, all issued before any is awaited
    record Call(int file, boolean read, Future<Object> result) {
    }
    List<Call> calls = new ArrayList<>();
    long t0 = System.nanoTime();
    for (int c = 0; c < clients.size(); c++) {
      for (int k = 0; k < 100; k++) {
        int file = (c * 7 + k) % 100;
        boolean read = (c + k) % 2 == 0;
        JsonObject in = new JsonObject().put("path", "f" + file + ".txt");
        calls.add(new Call(file, read, clients.get(c).call(read ? "/dev1/fs/readFile" : "/dev1/fs/stat", in)));
      }
    }
    // THEN every one answers with its own file's content or size
    int wrong = 0;
    List<String> samples = new ArrayList<>();
    for (Call call : calls) {
      try {
        JsonObject out = (JsonObject) call.result().await(60, TimeUnit.SECONDS);
        String content = "file " + call.file() + "\n" + "x".repeat(call.file());
        boolean ok = call.read() ? content.equals(out.getString("content"))
            : out.getInteger("size") == content.length() && "file".equals(out.getString("type"));
        if (!ok) {
          wrong++;
          if (samples.size() < 5) {
            samples.add("f" + call.file() + ": " + out.encode());
          }
        }
      } catch (Exception e) {
        wrong++;
        if (samples.size() < 5) {
          samples.add("f" + call.file() + ": " + e);
        }
      }
    }
    System.out.printf("FaultIT: 2000 concurrent calls over 20 clients answered in %d ms%n", msSince(t0));
    assertEquals(0, wrong, "wrong or failed answers, e.g. " + samples);
    for (CallmeshClient c : clients) {
      assertEquals(0, c.engine().pendingCount());
    }
    assertEquals(Map.of("dev1", 0), Mesh.inFlight(clients.get(0)));
  }
}
