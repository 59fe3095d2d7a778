package dev.callmesh.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.callmesh.client.CallmeshClient;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A client that asks for {@code yes} and never reads must not grow the hub's or the spoke's memory, nor
 * slow anyone else's calls: its call is stopped with RESOURCE_EXHAUSTED once its unsent bytes pass the
 * limit. The hub and spoke run with a 256 MiB heap cap, so growing past it would kill them; what each still
 * holds after a full collection must stay under a quarter of that. (Their heap in use before a collection
 * may be near the cap: the flood's bytes are garbage the collector has not yet collected.)
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class SlowReaderIT {

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

  @Test
  void aClientThatNeverReadsYesDoesNotHurtOthersOrGrowMemory() throws Exception {
    Path spokeKey = mesh.spokeKey("dev1");
    Path admin = mesh.adminKey();
    Path root = mesh.root("dev1");
    Files.writeString(root.resolve("a.txt"), "a");
    JavaProcess hub = mesh.startHub(0);
    JavaProcess spoke = mesh.startSpoke("dev1", spokeKey, root);
    CallmeshClient other = mesh.client(admin);
    for (int i = 0; i < 50; i++) { // warm up the path the measured calls take
      other.call("/dev1/fs/stat", new JsonObject().put("path", "a.txt")).await();
    }

    try (RawConn sink = WireAndAuthIT.connectTo(mesh, admin)) {
      sink.send("call.requested", "flood", new JsonObject().put("operationId", "/dev1/bash/exec")
          .put("input", new JsonObject().put("command", "yes")));
      // ... and never reads. Meanwhile another client calls the same spoke for 20 s.
      List<Long> micros = new ArrayList<>();
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (System.nanoTime() < end) {
        long t0 = System.nanoTime();
        other.call("/dev1/fs/stat", new JsonObject().put("path", "a.txt")).await();
        micros.add((System.nanoTime() - t0) / 1000);
        Thread.sleep(40);
      }
      Collections.sort(micros);
      long p50 = micros.get(micros.size() / 2);
      long p99 = micros.get((int) Math.ceil(micros.size() * 0.99) - 1);
      System.out.printf("slow reader: %d calls, p50 %d us, p99 %d us, max %d us%n", micros.size(), p50, p99,
          micros.get(micros.size() - 1));
      assertTrue(p99 < 100_000, "p99 " + p99 + " us");
      assertTrue(hub.process().isAlive() && spoke.process().isAlive());
      // What each still holds after a full collection: the flood's output, had it been kept, would be live.
      long hubUsed = Heap.usedMiB(hub.process().pid());
      long spokeUsed = Heap.usedMiB(spoke.process().pid());
      long hubHeap = Heap.liveMiB(hub.process().pid());
      long spokeHeap = Heap.liveMiB(spoke.process().pid());
      System.out.printf("heap used: hub %d MiB, spoke %d MiB; live after a full GC: hub %d MiB, spoke %d MiB%n",
          hubUsed, spokeUsed, hubHeap, spokeHeap);
      assertTrue(hubHeap < 64 && spokeHeap < 64, "live heap: hub " + hubHeap + " MiB, spoke " + spokeHeap + " MiB");
      assertTrue(Procs.matching("(.*/)?yes").isEmpty(), "the flood's process was stopped: " + Procs.matching("(.*/)?yes"));

      // When the flooded client finally reads, it finds its call ended with RESOURCE_EXHAUSTED.
      JsonObject last = null;
      for (long read = 0; read < 200_000; read++) {
        JsonObject e = sink.recv();
        if (e == null || !"call.responded".equals(e.getString("type"))) {
          last = e;
          break;
        }
      }
      assertEquals("call.error", last.getString("type"), String.valueOf(last));
      assertEquals("RESOURCE_EXHAUSTED", last.getJsonObject("payload").getString("code"));
    }
    assertEquals(0, other.engine().pendingCount());
    assertEquals(0, Mesh.inFlight(other).get("dev1"));
  }
}
