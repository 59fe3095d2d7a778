package dev.callmesh.protocol.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Each bye's error code has its close code, and a reason always fits a close frame. */
class WebSocketCloseTest {

  @Test
  void errorCodesMapToTheDocumentedCloseCodes() {
    assertEquals(1000, WebSocketClose.of(null));
    assertEquals(1000, WebSocketClose.of("ABORTED"));
    assertEquals(1001, WebSocketClose.of("UNAVAILABLE"));
    assertEquals(1008, WebSocketClose.of("PROTOCOL"));
    assertEquals(1011, WebSocketClose.of("INTERNAL"));
    assertEquals(1011, WebSocketClose.of("SOME_DOMAIN_CODE"));
    assertEquals(1013, WebSocketClose.of("RESOURCE_EXHAUSTED"));
    assertEquals(3000, WebSocketClose.of("UNAUTHENTICATED"));
    assertEquals(3003, WebSocketClose.of("FORBIDDEN"));
  }

  @Test
  void reasonsAreCutToFitOnACharacterBoundary() {
    assertEquals("short", WebSocketClose.reason("short"));
    assertEquals("", WebSocketClose.reason(null));
    String ascii = WebSocketClose.reason("x".repeat(500));
    assertTrue(ascii.getBytes(StandardCharsets.UTF_8).length <= 123 && ascii.endsWith("\u2026"), ascii);
    String wide = WebSocketClose.reason("\u00e9\ud83d\ude00".repeat(100));
    assertTrue(wide.getBytes(StandardCharsets.UTF_8).length <= 123, wide);
    assertEquals(wide.length() - 1, wide.codePoints().filter(c -> c != 0x2026).mapToObj(Character::toString)
        .mapToInt(String::length).sum(), "no surrogate pair is cut");
  }
}
