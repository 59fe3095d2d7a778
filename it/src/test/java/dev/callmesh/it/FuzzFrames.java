package dev.callmesh.it;

import java.nio.ByteBuffer;
import java.util.Random;

/**
 * Makes random and mutated frames for {@link FuzzIT} from a seeded {@link Random}, each tagged with
 * what docs/PROTOCOL.md says the hub must do with it, so the test can tell a wrong close from a right one.
 * The frames themselves come from three families: {@link FuzzCalls} (well-formed, kept open),
 * {@link FuzzViolations} (protocol violations, closed) and {@link FuzzBytes} (damaged bytes).
 */
final class FuzzFrames {

  /** What the hub must do with a frame sent after the welcome. */
  enum Kind {
    /** Keep the connection open (it may answer, e.g. call.error). */
    OK,
    /** Either is allowed (mutated or random bytes: usually, but not always, a violation). */
    MAYBE,
    /** Close the connection (a protocol violation, bye, auth.* after the welcome). */
    FATAL,
    /** A frame cut short: the sender closes the socket itself right after it. */
    END
  }

  /** One generated frame: its bytes on the wire, what it must cause, and a short label for reports. */
  record Frame(byte[] bytes, Kind kind, String label, int count) {
    Frame(byte[] bytes, Kind kind, String label) {
      this(bytes, kind, label, 1);
    }
  }

  /** Frame categories by what they do (the ranges of {@link #afterWelcome}'s table). */
  private static final int[][] DISRUPTIVE = {{20, 22}, {45, 65}, {74, 94}};
  private static final int[][] LARGE = {{68, 74}};
  private static final int[][] SMALL = {{0, 20}, {22, 45}, {65, 68}, {94, 100}};

  private final Random r;
  private final FuzzValues v;
  private final FuzzCalls calls;
  private final FuzzViolations violations;
  private final FuzzBytes bytes;

  FuzzFrames(Random r, int maxFrame) {
    this.r = r;
    this.v = new FuzzValues(r);
    this.calls = new FuzzCalls(r, v, maxFrame);
    this.violations = new FuzzViolations(r, v, maxFrame);
    this.bytes = new FuzzBytes(r, v, maxFrame, calls);
  }

  /** @return the body with its 4-byte big-endian length before it */
  static byte[] frame(byte[] body) {
    return ByteBuffer.allocate(4 + body.length).putInt(body.length).put(body).array();
  }

  /** @return a 4-byte length header alone, for lengths a body cannot have */
  static byte[] header(long length) {
    return ByteBuffer.allocate(4).putInt((int) length).array();
  }

  static String clip(String s) {
    return s.length() > 40 ? s.substring(0, 40) + "..." : s;
  }

  /** @return a frame body of {@code levels} nested arrays or objects, closed or not */
  static String nesting(int levels, boolean objects, boolean closed) {
    StringBuilder sb = new StringBuilder(levels * 6);
    sb.append(objects ? "{\"a\":".repeat(levels) : "[".repeat(levels)).append("1");
    if (closed) {
      sb.append(objects ? "}".repeat(levels) : "]".repeat(levels));
    }
    return sb.toString();
  }

  /** @return the next frame for an authenticated connection */
  Frame afterWelcome() {
    // Mostly frames that keep the connection open, so a connection carries some 25 frames on average.
    int roll = r.nextInt(1000);
    int c = fromRanges(roll < 40 ? DISRUPTIVE : roll < 48 ? LARGE : SMALL);
    if (c < 20) {
      return calls.callRequested(v.idString(1, 128));
    }
    if (c < 22) {
      return violations.idOfBadLength();
    }
    if (c < 32) {
      return calls.endForUnknownId();
    }
    if (c < 37) {
      return calls.unknownType();
    }
    if (c < 40) {
      return calls.pingOrPong();
    }
    if (c < 45) {
      return calls.extraTopLevelFields();
    }
    if (c < 50) {
      return violations.wrongFieldType();
    }
    if (c < 55) {
      return violations.notAnObject();
    }
    if (c < 58) {
      return violations.noType();
    }
    if (c < 61) {
      return violations.authAfterWelcome();
    }
    if (c < 63) {
      return violations.bye();
    }
    if (c < 65) {
      return violations.deepNesting();
    }
    if (c < 68) {
      return calls.deepWithinLimits();
    }
    if (c < 71) {
      return calls.longString();
    }
    if (c < 74) {
      return calls.hugeInput();
    }
    if (c < 78) {
      return bytes.random();
    }
    if (c < 84) {
      return bytes.mutated();
    }
    if (c < 87) {
      return violations.badLength();
    }
    if (c < 89) {
      return bytes.truncated();
    }
    if (c < 94) {
      return bytes.invalidUtf8();
    }
    if (c < 97) {
      return calls.eventsOfOneIdShuffled();
    }
    return calls.openCall();
  }

  private int fromRanges(int[][] ranges) {
    int total = 0;
    for (int[] range : ranges) {
      total += range[1] - range[0];
    }
    int x = r.nextInt(total);
    for (int[] range : ranges) {
      if (x < range[1] - range[0]) {
        return range[0] + x;
      }
      x -= range[1] - range[0];
    }
    throw new IllegalStateException();
  }

  /** @return a first frame for a connection that has not authenticated: all must be denied */
  Frame beforeWelcome() {
    int c = r.nextInt(10);
    if (c < 4) {
      return violations.badHello();
    }
    Frame f = afterWelcome();
    // Anything but a hello is denied before the welcome, even what is fine afterwards.
    return new Frame(f.bytes(), f.kind() == Kind.END ? Kind.END : Kind.FATAL, "before welcome: " + f.label(), f.count());
  }
}
