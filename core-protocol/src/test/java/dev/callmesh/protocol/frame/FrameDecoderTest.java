package dev.callmesh.protocol.frame;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.callmesh.protocol.EventEnvelope;
import dev.callmesh.protocol.ProtocolException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The frame decoder as a pure state machine: bytes in, frames out. */
class FrameDecoderTest {

  private static final int MAX = 1024;

  private static Buffer frames(EventEnvelope... envelopes) {
    Buffer all = Buffer.buffer();
    for (EventEnvelope e : envelopes) {
      all.appendBuffer(FrameEncoder.encode(e));
    }
    return all;
  }

  private static EventEnvelope env(String id) {
    return EventEnvelope.of("call.requested", id, new JsonObject().put("operationId", "/dev1/fs/stat")
        .put("input", new JsonObject().put("path", "é/ünïcode.txt")));
  }

  @Test
  void decodesThreeFramesSplitAtEveryBytePair() {
    Buffer stream = frames(env("a"), env("b"), env("c"));
    for (int i = 0; i <= stream.length(); i++) {
      for (int j = i; j <= stream.length(); j += 7) {
        FrameDecoder d = new FrameDecoder(MAX);
        List<String> ids = new ArrayList<>();
        d.feed(stream.getBuffer(0, i), f -> ids.add(EventEnvelope.decode(f).id()));
        d.feed(stream.getBuffer(i, j), f -> ids.add(EventEnvelope.decode(f).id()));
        d.feed(stream.getBuffer(j, stream.length()), f -> ids.add(EventEnvelope.decode(f).id()));
        assertEquals(List.of("a", "b", "c"), ids, "split at " + i + "/" + j);
        assertEquals(0, d.buffered());
      }
    }
  }

  @Test
  void decodesOneByteAtATime() {
    Buffer stream = frames(env("x"), env("y"));
    FrameDecoder d = new FrameDecoder(MAX);
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < stream.length(); i++) {
      d.feed(stream.getBuffer(i, i + 1), f -> ids.add(EventEnvelope.decode(f).id()));
    }
    assertEquals(List.of("x", "y"), ids);
  }

  @Test
  void zeroLengthIsCorrupt() {
    FrameDecoder d = new FrameDecoder(MAX);
    FrameException e = assertThrows(FrameException.class, () -> d.feed(Buffer.buffer().appendInt(0), f -> { }));
    assertEquals(FrameException.Kind.EMPTY, e.kind());
  }

  @Test
  void lengthOverMaxIsTooLongBeforeAnyBodyIsBuffered() {
    FrameDecoder d = new FrameDecoder(MAX);
    // 0x7fffffff and 0xffffffff (read unsigned: 4 GiB, not -1) are both refused at once.
    FrameException e = assertThrows(FrameException.class,
        () -> d.feed(Buffer.buffer().appendInt(0x7fffffff).appendString("{"), f -> { }));
    assertEquals(FrameException.Kind.TOO_LONG, e.kind());
    assertEquals(0x7fffffffL, e.length());
    FrameException u = assertThrows(FrameException.class,
        () -> new FrameDecoder(MAX).feed(Buffer.buffer().appendInt(0xffffffff), f -> { }));
    assertEquals(0xffffffffL, u.length());
    assertEquals(FrameException.Kind.TOO_LONG, u.kind());
  }

  @Test
  void exactlyMaxIsAcceptedAndOneMoreIsNot() {
    String pad = "x".repeat(MAX - "{\"type\":\"t\",\"p\":\"\"}".length());
    Buffer body = Buffer.buffer("{\"type\":\"t\",\"p\":\"" + pad + "\"}");
    assertEquals(MAX, body.length());
    List<Buffer> out = new ArrayList<>();
    new FrameDecoder(MAX).feed(FrameEncoder.frame(body), out::add);
    assertEquals(1, out.size());
    assertThrows(FrameException.class, () -> new FrameDecoder(MAX - 1).feed(FrameEncoder.frame(body), f -> { }));
  }

  @Test
  void spentAfterAnErrorEvenIfGoodBytesFollow() {
    FrameDecoder d = new FrameDecoder(MAX);
    assertThrows(FrameException.class, () -> d.feed(Buffer.buffer().appendInt(0), f -> { }));
    assertThrows(FrameException.class, () -> d.feed(frames(env("late")), f -> { }));
  }

  @Test
  void aBodyThatIsNotJsonIsFramedAndAGoodFrameAfterItStillDecodes() {
    Buffer stream = FrameEncoder.frame(Buffer.buffer("not json")).appendBuffer(FrameEncoder.frame(Buffer.buffer("[1,2]")))
        .appendBuffer(FrameEncoder.frame(Buffer.buffer("{\"id\":\"no-type\"}"))).appendBuffer(frames(env("good")));
    List<Object> results = new ArrayList<>();
    new FrameDecoder(MAX).feed(stream, f -> {
      try {
        results.add(EventEnvelope.decode(f).id());
      } catch (ProtocolException e) {
        results.add(e);
      }
    });
    assertEquals(4, results.size());
    assertTrue(results.get(0) instanceof ProtocolException);
    assertTrue(((ProtocolException) results.get(1)).getMessage().contains("not a JSON object"));
    assertTrue(((ProtocolException) results.get(2)).getMessage().contains("type"));
    assertEquals("good", results.get(3));
  }

  @Test
  void buffersOnlyWhatHasArrived() {
    FrameDecoder d = new FrameDecoder(16 * 1024 * 1024);
    d.feed(Buffer.buffer().appendInt(16 * 1024 * 1024).appendString("{"), f -> { });
    assertEquals(5, d.buffered());
  }
}
