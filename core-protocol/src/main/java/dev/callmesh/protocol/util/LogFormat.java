package dev.callmesh.protocol.util;

import java.util.Locale;

/**
 * Chooses how the callmesh jars write their logs: {@code text} (readable lines, the default) or
 * {@code json} (one JSON object per line, MDC included). The choice is the system property
 * {@value #PROPERTY}, which each jar's {@code logback.xml} reads to include
 * {@code dev/callmesh/logback/stderr-text.xml} or {@code stderr-json.xml}; so it must be made before the
 * first logger is created, which is the first thing each {@code main} does.
 */
public final class LogFormat {

  /** The system property read by the jars' {@code logback.xml}. */
  public static final String PROPERTY = "callmesh.log.format";
  /** The environment variable read when the flag is not given. */
  public static final String ENV = "CALLMESH_LOG_FORMAT";

  private LogFormat() {
  }

  /**
   * Sets {@value #PROPERTY} from the flag, else {@value #ENV}, else an existing {@code -D} setting, else
   * {@code text}.
   *
   * @param flag the value of {@code --log-format}, or {@code null}
   * @return the format chosen, {@code text} or {@code json}
   * @throws IllegalArgumentException for any other value
   */
  public static String select(String flag) {
    String v = FlagOrEnv.string(flag, ENV);
    if (v == null) {
      v = System.getProperty(PROPERTY, "text");
    }
    String format = v.trim().toLowerCase(Locale.ROOT);
    if (!format.equals("text") && !format.equals("json")) {
      throw new IllegalArgumentException("--log-format (or " + ENV + ") must be text or json, not '" + v + "'");
    }
    System.setProperty(PROPERTY, format);
    return format;
  }
}
