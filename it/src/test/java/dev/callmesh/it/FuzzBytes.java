package dev.callmesh.it;

import dev.callmesh.it.FuzzFrames.Frame;
import dev.callmesh.it.FuzzFrames.Kind;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Damaged bytes: random bodies, good frames with a few bytes changed, a frame cut short, invalid UTF-8.
 * Mostly, but not always, a violation ({@link Kind#MAYBE}); a cut frame is followed by the sender's own
 * close ({@link Kind#END}).
 */
final class FuzzBytes extends FuzzFrameMaker {

  private static final String PUNCT = "{}[]\",:\\0-9eE";

  private final FuzzCalls calls;

  FuzzBytes(Random r, FuzzValues v, int maxFrame, FuzzCalls calls) {
    super(r, v, maxFrame);
    this.calls = calls;
  }

  /** Random bytes with a correct length. */
  Frame random() {
    byte[] b = new byte[1 + r.nextInt(r.nextBoolean() ? 64 : 4096)];
    r.nextBytes(b);
    return new Frame(FuzzFrames.frame(b), Kind.MAYBE, "random bytes");
  }

  /** A valid call.requested with one to four bytes replaced, deleted, doubled or flipped; the length kept right. */
  Frame mutated() {
    Frame base = calls.callRequested(v.idString(1, 30));
    byte[] body = Arrays.copyOfRange(base.bytes(), 4, base.bytes().length);
    ByteArrayOutputStream m = new ByteArrayOutputStream();
    int edits = 1 + r.nextInt(4);
    List<Integer> at = new ArrayList<>();
    for (int i = 0; i < edits; i++) {
      at.add(r.nextInt(body.length));
    }
    Collections.sort(at);
    int k = 0;
    for (int i = 0; i < body.length; i++) {
      boolean edit = k < at.size() && at.get(k) == i;
      while (k < at.size() && at.get(k) == i) {
        k++;
      }
      if (!edit) {
        m.write(body[i]);
        continue;
      }
      switch (r.nextInt(4)) {
        case 0 -> m.write(r.nextInt(256)); // replace
        case 1 -> { } // delete
        case 2 -> {
          m.write(body[i]);
          m.write(PUNCT.charAt(r.nextInt(PUNCT.length())));
        }
        default -> m.write(body[i] ^ (1 << r.nextInt(8))); // flip a bit
      }
    }
    byte[] mutated = m.toByteArray();
    return new Frame(FuzzFrames.frame(mutated.length == 0 ? new byte[] {'{'} : mutated), Kind.MAYBE, "mutated");
  }

  /** A header promising more than follows. */
  Frame truncated() {
    Frame base = calls.callRequested(v.idString(1, 30));
    int cut = 1 + r.nextInt(base.bytes().length - 1);
    return new Frame(Arrays.copyOf(base.bytes(), cut), Kind.END, "truncated at " + cut);
  }

  /** Invalid UTF-8 inside a string. */
  Frame invalidUtf8() {
    byte[] pre = "{\"type\":\"call.credit\",\"id\":\"u".getBytes(StandardCharsets.UTF_8);
    byte[] bad = switch (r.nextInt(4)) {
      case 0 -> new byte[] {(byte) 0xc3, 0x28};
      case 1 -> new byte[] {(byte) 0xff};
      case 2 -> new byte[] {(byte) 0xed, (byte) 0xa0, (byte) 0x80}; // an encoded surrogate
      default -> new byte[] {(byte) 0xf0, (byte) 0x9f};
    };
    byte[] post = "\",\"payload\":{\"n\":1}}".getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.allocate(pre.length + bad.length + post.length).put(pre).put(bad).put(post);
    return new Frame(FuzzFrames.frame(b.array()), Kind.MAYBE, "invalid UTF-8");
  }
}
