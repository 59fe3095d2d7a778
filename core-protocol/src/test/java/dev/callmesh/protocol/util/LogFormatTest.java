package dev.callmesh.protocol.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** --log-format: text or json, in any case; the choice lands in the system property logback.xml reads. */
class LogFormatTest {

  private final String before = System.getProperty(LogFormat.PROPERTY);

  @AfterEach
  void restore() {
    if (before == null) {
      System.clearProperty(LogFormat.PROPERTY);
    } else {
      System.setProperty(LogFormat.PROPERTY, before);
    }
  }

  @Test
  void theFlagIsCheckedAndSetForLogback() {
    assertEquals("json", LogFormat.select("JSON"));
    assertEquals("json", System.getProperty(LogFormat.PROPERTY));
    assertEquals("text", LogFormat.select(" text "));
    assertEquals("text", System.getProperty(LogFormat.PROPERTY));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LogFormat.select("xml"));
    assertTrue(e.getMessage().contains("text or json"), e.getMessage());
    assertEquals("text", System.getProperty(LogFormat.PROPERTY), "a rejected value changes nothing");
  }

  @Test
  void withoutFlagOrEnvironmentAnEarlierSettingStaysElseText() {
    if (System.getenv(LogFormat.ENV) != null) {
      return; // the environment decides here
    }
    System.setProperty(LogFormat.PROPERTY, "json");
    assertEquals("json", LogFormat.select(null));
    System.clearProperty(LogFormat.PROPERTY);
    assertEquals("text", LogFormat.select(null));
  }
}
