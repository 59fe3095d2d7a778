package dev.callmesh.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.callmesh.protocol.auth.AuthMessages;
import dev.callmesh.protocol.auth.SshKeyPair;
import dev.callmesh.protocol.auth.SshSig;
import dev.callmesh.protocol.auth.TimestampToken;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.Random;

/**
 * One of {@link FuzzIT}'s parallel connection slots: it opens a connection (authenticated or not), sends
 * bursts of fuzz frames, and opens the next when the hub (or the slot itself) has closed it. Its own
 * Random from the seed, so a slot's frames replay exactly.
 */
final class FuzzSlot {

  private final Mesh mesh;
  private final Path fuzzKey;
  private final SshKeyPair fuzzPair;
  private final int slot;
  private final boolean authenticated;
  private final Random random;
  private final FuzzFrames gen;
  private final FuzzStats s;
  private int opened;

  /**
   * @param mesh the mesh whose hub is fuzzed
   * @param fuzzKey the key file the authenticated slots log in with; {@code fuzzPair} is the same key loaded
   * @param slot the slot's number, which picks its Random (from the seed) and how it authenticates
   */
  FuzzSlot(Mesh mesh, Path fuzzKey, SshKeyPair fuzzPair, long seed, int slot, boolean authenticated, FuzzStats s) {
    this.mesh = mesh;
    this.fuzzKey = fuzzKey;
    this.fuzzPair = fuzzPair;
    this.slot = slot;
    this.authenticated = authenticated;
    this.random = new Random(seed ^ (slot * 0x9E3779B97F4A7C15L));
    this.gen = new FuzzFrames(random, FuzzIT.MAX_FRAME);
    this.s = s;
  }

  void run(int quota, long deadline) throws Exception {
    int sent = 0;
    FuzzConn c = null;
    try {
      while (sent < quota && System.nanoTime() < deadline) {
        if (c == null || c.gone()) {
          if (c != null) {
            c.finish();
          }
          c = open();
        }
        sent += authenticated ? burstAfterWelcome(c, quota - sent) : burstBeforeWelcome(c);
      }
    } finally {
      if (c != null) {
        c.closeByUs();
        c.finish();
      }
    }
  }

  private FuzzConn open() throws Exception {
    opened++;
    s.connections.incrementAndGet();
    if (!authenticated) {
      return new FuzzConn(new RawConn(mesh.port), s, false);
    }
    s.authenticated.incrementAndGet();
    RawConn raw;
    if (opened == 1 && slot % 8 == 0) {
      raw = WireAndAuthIT.connectTo(mesh, fuzzKey); // ssh-keygen -Y sign, as an OpenSSH user would
    } else {
      raw = new RawConn(mesh.port);
      JsonObject ch = raw.recv();
      assertEquals("auth.challenge", ch == null ? null : ch.getString("type"), String.valueOf(ch));
      JsonObject hello = new JsonObject();
      if (slot % 4 == 3) {
        hello.put("token", TimestampToken.create(fuzzPair, System.currentTimeMillis() / 1000));
      } else {
        JsonObject p = ch.getJsonObject("payload");
        hello.put("signature", SshSig.sign(fuzzPair, AuthMessages.NAMESPACE,
            AuthMessages.challengeMessage(p.getString("hub"), p.getString("nonce"))));
      }
      raw.send("auth.hello", "", hello);
      JsonObject w = raw.recv();
      assertEquals("auth.welcome", w == null ? null : w.getString("type"), String.valueOf(w));
    }
    return new FuzzConn(raw, s, true);
  }

  /** @return the label without its variable part, to count frames by kind */
  static String kindOf(String label) {
    if (label.startsWith("auth.")) {
      return "auth.* after welcome";
    }
    String[] words = label.replaceAll("\\d+", "N").split(" ");
    return words.length > 1 && !words[0].startsWith("call.requested") ? words[0] + " " + words[1] : words[0];
  }

  /** @return frames sent: up to 100 in one write, ending early at a frame that must close */
  private int burstAfterWelcome(FuzzConn c, int left) throws Exception {
    int n = 1 + random.nextInt(Math.min(100, left));
    ByteArrayOutputStream burst = new ByteArrayOutputStream();
    FuzzFrames.Kind last = FuzzFrames.Kind.OK;
    int frames = 0;
    while (frames < n && burst.size() < 4 * FuzzIT.MAX_FRAME) {
      FuzzFrames.Frame f = gen.afterWelcome();
      burst.writeBytes(f.bytes());
      frames += f.count();
      FuzzStats.count(s.labels, kindOf(f.label()));
      c.sent(f);
      last = f.kind();
      if (last == FuzzFrames.Kind.FATAL || last == FuzzFrames.Kind.END) {
        break;
      }
    }
    int written = c.write(burst.toByteArray(), frames);
    if (last == FuzzFrames.Kind.END) {
      c.closeByUs();
    } else if (last == FuzzFrames.Kind.FATAL) {
      c.expectClose();
    }
    return written;
  }

  /** @return frames sent before the welcome: the first is never a good hello, so the hub must close */
  private int burstBeforeWelcome(FuzzConn c) throws Exception {
    if (random.nextInt(10) == 0) {
      c.closeByUs(); // connect, then go away without a word
      return 0;
    }
    FuzzFrames.Frame f = gen.beforeWelcome();
    FuzzStats.count(s.labels, "pre-auth");
    c.sent(f);
    int written = c.write(f.bytes(), f.count());
    if (f.kind() == FuzzFrames.Kind.END) {
      c.closeByUs();
    } else {
      c.expectClose();
    }
    return written;
  }
}
