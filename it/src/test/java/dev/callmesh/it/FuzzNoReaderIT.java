package dev.callmesh.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.callmesh.client.CallmeshClient;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A client that sends calls as fast as it can and never reads the answers: each call the hub refuses
 * (FORBIDDEN) is answered with about as many bytes as it took. The hub must not queue those answers
 * without limit (docs/PROTOCOL.md, Streams: the hub must not buffer without limit for a slow reader): either it stops
 * reading the client (TCP backpressure) or it closes it. The hub runs with a 256 MiB heap.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class FuzzNoReaderIT {

  static final long SEND_LIMIT = 512L << 20;

  Mesh mesh;

  @BeforeEach
  void start() throws Exception {
    mesh = new Mesh();
    mesh.jvmArgs = List.of("-Xmx256m");
  }

  @AfterEach
  void stop() throws Exception {
    mesh.close();
  }

  private static long rssMiB(long pid) throws Exception {
    for (String l : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      if (l.startsWith("VmRSS:")) {
        return Long.parseLong(l.replaceAll("\\D", "")) / 1024;
      }
    }
    return -1;
  }

  @Test
  void aClientThatNeverReadsItsAnswersIsHeldBackOrClosedNotBuffered() throws Exception {
    Path spokeKey = mesh.spokeKey("dev1");
    Path admin = mesh.adminKey();
    Path root = mesh.root("dev1");
    Files.writeString(root.resolve("a.txt"), "a");
    JavaProcess hub = mesh.startHub(0);
    mesh.startSpoke("dev1", spokeKey, root);
    CallmeshClient other = mesh.client(admin);
    other.call("/dev1/fs/stat", new JsonObject().put("path", "a.txt")).await();
    long rssBefore = rssMiB(hub.process().pid());

    // 1,000 calls of ~1 KiB per write, each to a path the identity may not call: FORBIDDEN quotes the path
    String op = "/nope/" + "p".repeat(1000);
    ByteArrayOutputStream batch = new ByteArrayOutputStream();
    for (int i = 0; i < 1000; i++) {
      String json = new JsonObject().put("type", "call.requested").put("id", "c" + i)
          .put("payload", new JsonObject().put("operationId", op)).encode();
      batch.writeBytes(FuzzFrames.frame(json.getBytes(StandardCharsets.UTF_8)));
    }
    byte[] bytes = batch.toByteArray();
    AtomicLong sent = new AtomicLong();
    try (RawConn flood = WireAndAuthIT.connectTo(mesh, admin)) {
      Thread writer = new Thread(() -> {
        try {
          while (sent.get() < SEND_LIMIT) {
            flood.sendRaw(bytes);
            sent.addAndGet(bytes.length);
          }
        } catch (Exception e) {
          // closed by the hub, or by us at the end: either ends the flood
        }
      }, "flood");
      writer.setDaemon(true);
      writer.start();
      writer.join(30_000);
      long rssAfter = rssMiB(hub.process().pid());
      long heap = Heap.usedMiB(hub.process().pid());
      System.out.printf("FuzzNoReaderIT: sent %d MiB of calls without reading (writer %s); hub RSS %d -> %d MiB,"
          + " heap %d MiB, alive %s%n", sent.get() >> 20, writer.isAlive() ? "still blocked in write after 30 s" : "ended",
          rssBefore, rssAfter, heap, hub.process().isAlive());
      assertTrue(hub.process().isAlive(), "the hub died: " + hub.stderr());
      // The other client is still served promptly.
      long t0 = System.nanoTime();
      other.call("/dev1/fs/stat", new JsonObject().put("path", "a.txt")).await(30, TimeUnit.SECONDS);
      long otherMs = (System.nanoTime() - t0) / 1_000_000;
      System.out.printf("FuzzNoReaderIT: another client's call took %d ms%n", otherMs);
      assertTrue(otherMs < 1000, "another client's call took " + otherMs + " ms while the hub held the flood's answers");
      assertTrue(rssAfter - rssBefore < 128, "the hub grew by " + (rssAfter - rssBefore) + " MiB of RSS while "
          + (sent.get() >> 20) + " MiB of calls were sent and none of the answers read");
      assertTrue(sent.get() < SEND_LIMIT, "the hub read " + (sent.get() >> 20) + " MiB of calls from a client that"
          + " read none of its answers: it neither held the client back nor closed it");
    }
    assertEquals(0, other.engine().pendingCount());
    assertEquals(Map.of("dev1", 0), Mesh.inFlight(other));
  }
}
