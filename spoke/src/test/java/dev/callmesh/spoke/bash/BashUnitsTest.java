package dev.callmesh.spoke.bash;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Verifies the pieces without processes: the environment, the UTF-8 decoder and the byte cap. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class BashUnitsTest {

  @Test
  void theSpokesCallmeshVariablesNeverReachCommands() {
    Map<String, String> spoke = Map.of("PATH", "/usr/bin", "CALLMESH_KEY_PASSPHRASE", "secret", "CALLMESH_HUB", "h",
        "HOME", "/home/x", "MY_CALLMESH_X", "kept");
    Map<String, String> env = BashEnvironment.build(spoke, new JsonObject().put("HOME", "/root").put("EXTRA", "1"));
    assertEquals(Map.of("PATH", "/usr/bin", "HOME", "/root", "EXTRA", "1", "MY_CALLMESH_X", "kept"), env);
    assertFalse(BashEnvironment.build(System.getenv(), null).keySet().stream().anyMatch(k -> k.startsWith("CALLMESH_")));
  }

  @Test
  void textSplitAtEveryByteDecodesWhole() {
    String text = "a é € 𝄞 z";
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    for (int cut = 0; cut <= bytes.length; cut++) {
      Utf8Chunks decoder = new Utf8Chunks();
      String first = decoder.decode(bytes, 0, cut);
      String second = decoder.decode(bytes, cut, bytes.length - cut);
      assertEquals(text, first + second + decoder.finish(), "cut at " + cut);
      assertTrue(first.chars().noneMatch(c -> c == 0xFFFD), "no replacement for a split character");
    }
  }

  @Test
  void byteByByteDecodesWholeAndBadBytesBecomeReplacements() {
    byte[] bytes = "x€y".getBytes(StandardCharsets.UTF_8);
    Utf8Chunks decoder = new Utf8Chunks();
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < bytes.length; i++) {
      out.append(decoder.decode(bytes, i, 1));
    }
    assertEquals("x€y", out.toString());
    assertEquals("a\uFFFDb", decoder.decode(new byte[] {'a', (byte) 0xFF, 'b'}, 0, 3));
    assertEquals("", decoder.decode(new byte[] {(byte) 0xE2, (byte) 0x82}, 0, 2));
    assertEquals("\uFFFD", decoder.finish(), "an incomplete character at the end");
  }

  @Test
  void completeLengthDropsOnlyACutSequence() {
    byte[] euro = "ab€".getBytes(StandardCharsets.UTF_8);
    assertEquals(5, OutputCollector.completeLength(euro));
    assertEquals(2, OutputCollector.completeLength(java.util.Arrays.copyOf(euro, 4)));
    assertEquals(2, OutputCollector.completeLength(java.util.Arrays.copyOf(euro, 3)));
    assertEquals(2, OutputCollector.completeLength(java.util.Arrays.copyOf(euro, 2)));
    assertEquals(0, OutputCollector.completeLength(new byte[0]));
  }
}
