package dev.callmesh.hub.impl.http;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Which X-Request-Id a client may choose, and what the hub makes up otherwise. */
class RequestIdsTest {

  @Test
  void oneTo128OfTheAllowedCharactersAreKept() {
    assertTrue(RequestIds.isValid("a"));
    assertTrue(RequestIds.isValid("req-1.2_3:AZaz09"));
    assertTrue(RequestIds.isValid("x".repeat(128)));
    assertFalse(RequestIds.isValid("x".repeat(129)), "longer than 128");
    assertFalse(RequestIds.isValid(""));
    assertFalse(RequestIds.isValid(null));
    for (String bad : new String[] {"a b", "a/b", "a\nb", "a\"b", "é", "a=b", "a;b", "<script>"}) {
      assertFalse(RequestIds.isValid(bad), bad);
    }
  }

  @Test
  void madeUpIdsAre32HexDigitsAndDiffer() {
    String a = RequestIds.make();
    String b = RequestIds.make();
    assertTrue(a.matches("[0-9a-f]{32}"), a);
    assertTrue(RequestIds.isValid(a), "a made-up id is one a client could have sent");
    assertNotEquals(a, b);
  }
}
