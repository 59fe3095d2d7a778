package dev.callmesh.it;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.util.ArrayDeque;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * One raw fuzz connection of {@link FuzzIT} and the thread that drains and checks what the hub sends on
 * it: only well-formed envelopes, no INTERNAL errors, and a close only after a frame that allows one.
 */
final class FuzzConn {

  /** How long the hub may take to close a connection after a frame that must close it. */
  static final long CLOSE_WAIT_MS = 5_000;

  final RawConn raw;
  final FuzzStats s;
  final boolean welcomed;
  final CountDownLatch closed = new CountDownLatch(1);
  final ArrayDeque<String> recent = new ArrayDeque<>();
  volatile boolean byUs;
  volatile boolean mayClose;
  volatile String bye;
  volatile boolean writeFailed;

  FuzzConn(RawConn raw, FuzzStats s, boolean welcomed) {
    this.raw = raw;
    this.s = s;
    this.welcomed = welcomed;
    Thread t = new Thread(this::drain, "fuzz-reader");
    t.setDaemon(true);
    t.start();
  }

  void sent(FuzzFrames.Frame f) {
    if (f.kind() != FuzzFrames.Kind.OK || !welcomed) {
      mayClose = true;
    }
    synchronized (recent) {
      recent.add(f.label());
      if (recent.size() > 5) {
        recent.remove();
      }
    }
  }

  /** @return how many frames were written: all, or none when the connection had already gone */
  int write(byte[] bytes, int frames) {
    if (gone()) {
      return 0;
    }
    try {
      raw.sendRaw(bytes);
      s.frames.addAndGet(frames);
      s.bytes.addAndGet(bytes.length);
      return frames;
    } catch (IOException e) {
      writeFailed = true; // the hub closed it while we wrote
      return 0;
    }
  }

  boolean gone() {
    return byUs || writeFailed || closed.getCount() == 0;
  }

  /** The last frame must make the hub close the connection: wait for that. */
  void expectClose() throws Exception {
    if (!closed.await(CLOSE_WAIT_MS, TimeUnit.MILLISECONDS) && !writeFailed) {
      s.anomaly("the hub kept a connection open " + CLOSE_WAIT_MS + " ms after a frame that must close it; "
          + "last frames sent: " + recentLabels());
      closeByUs();
    }
  }

  void closeByUs() throws IOException {
    byUs = true;
    raw.close();
  }

  /** Called once the slot moves on: the reader must have ended. */
  void finish() throws Exception {
    if (!closed.await(CLOSE_WAIT_MS, TimeUnit.MILLISECONDS)) {
      closeByUs();
      closed.await(CLOSE_WAIT_MS, TimeUnit.MILLISECONDS);
    }
  }

  private String recentLabels() {
    synchronized (recent) {
      return String.join(" | ", recent);
    }
  }

  private void drain() {
    try {
      while (true) {
        JsonObject e;
        try {
          e = raw.recv();
        } catch (SocketTimeoutException t) {
          if (byUs) {
            return;
          }
          continue;
        } catch (IOException | RuntimeException ex) {
          if (!byUs) {
            s.anomaly("the hub sent something that is not a JSON object envelope (" + ex + "); last frames sent: "
                + recentLabels());
          }
          return;
        }
        if (e == null) {
          if (!byUs) {
            s.closedByHub.incrementAndGet();
            if (!mayClose) {
              s.anomaly("the hub closed a connection after frames that must keep it open (bye " + bye
                  + "); last frames sent: " + recentLabels());
            }
          }
          return;
        }
        check(e);
      }
    } finally {
      closed.countDown();
    }
  }

  private void check(JsonObject e) {
    Object type = e.getValue("type");
    Object payload = e.getValue("payload");
    Object id = e.getValue("id");
    if (!(type instanceof String t) || !(payload instanceof JsonObject p) || (id != null && !(id instanceof String))) {
      s.anomaly("the hub sent a malformed envelope " + FuzzFrames.clip(e.encode()));
      return;
    }
    switch (t) {
      case "bye" -> {
        bye = p.getString("code") + ": " + p.getString("message");
        FuzzStats.count(s.byes, p.getString("code"));
      }
      case "auth.denied" -> FuzzStats.count(s.denials, p.getString("code"));
      case "call.error" -> {
        FuzzStats.count(s.errors, p.getString("code"));
        if ("INTERNAL".equals(p.getString("code"))) {
          String m = String.valueOf(p.getValue("message"));
          s.anomaly("the hub answered INTERNAL: " + (m.length() > 300 ? m.substring(0, 300) : m) + "; last frames sent: "
              + recentLabels());
        }
      }
      default -> { }
    }
  }
}
