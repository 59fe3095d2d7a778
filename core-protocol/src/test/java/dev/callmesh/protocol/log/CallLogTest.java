package dev.callmesh.protocol.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.OutputStreamAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.callmesh.protocol.util.LogFormat;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;
import org.slf4j.event.Level;

/**
 * Log lines about calls, written through the appenders the jars include
 * ({@code dev/callmesh/logback/stderr-json.xml} and {@code stderr-text.xml}) into a private Logback
 * context whose output the test reads.
 */
class CallLogTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private LoggerContext context;

  @AfterEach
  void stop() {
    MDC.clear();
    if (context != null) {
      context.stop();
    }
  }

  /** @return a logger of a fresh context configured like a jar with the given --log-format */
  private Logger logger(String format, String name) throws Exception {
    context = new LoggerContext();
    context.setMDCAdapter(MDC.getMDCAdapter());
    context.putProperty(LogFormat.PROPERTY, format);
    JoranConfigurator configurator = new JoranConfigurator();
    configurator.setContext(context);
    String xml = "<configuration><include resource=\"dev/callmesh/logback/stderr-${" + LogFormat.PROPERTY + "}.xml\"/>"
        + "<root level=\"INFO\"><appender-ref ref=\"STDERR\"/></root></configuration>";
    configurator.doConfigure(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
    Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    OutputStreamAppender<?> appender = (OutputStreamAppender<?>) root.getAppender("STDERR");
    assertTrue(appender != null && appender.isStarted(), "the included appender should start: "
        + context.getStatusManager().getCopyOfStatusList());
    appender.setOutputStream(out);
    return context.getLogger(name);
  }

  private List<String> lines() {
    return out.toString(StandardCharsets.UTF_8).lines().toList();
  }

  @Test
  void jsonLinesAreOneObjectPerLineWithTheCallInTheirMdc() throws Exception {
    Logger audit = logger("json", "callmesh.audit");
    CallLog.log(audit, Level.INFO, "r-1", "/dev1/fs/readFile", "4bf92f3577b34da6a3ce929d0e0e4736",
        "call id={} note={}", "r-1", "quotes \" backslash \\ newline \n tab \t bell \u0007 done");
    CallLog.log(audit, Level.WARN, "r-2", "/dev1/bash/exec", null, "handler failed", new IllegalStateException("kaput\nline 2"));
    audit.info("a line about no call");

    List<String> lines = lines();
    assertEquals(3, lines.size(), String.join("\n", lines));
    JsonNode first = JSON.readTree(lines.get(0));
    assertEquals("INFO", first.get("level").asText());
    assertEquals("callmesh.audit", first.get("loggerName").asText());
    assertEquals("call id=r-1 note=quotes \" backslash \\ newline \n tab \t bell \u0007 done",
        first.get("formattedMessage").asText());
    assertEquals("r-1", first.at("/mdc/callId").asText());
    assertEquals("/dev1/fs/readFile", first.at("/mdc/op").asText());
    assertEquals("4bf92f3577b34da6a3ce929d0e0e4736", first.at("/mdc/traceId").asText());
    assertTrue(first.get("timestamp").isNumber());

    JsonNode second = JSON.readTree(lines.get(1));
    assertEquals("WARN", second.get("level").asText());
    assertEquals("r-2", second.at("/mdc/callId").asText());
    assertTrue(second.at("/mdc/traceId").isMissingNode(), "no trace, no key: " + second);
    assertEquals("java.lang.IllegalStateException", second.at("/throwable/className").asText());
    assertEquals("kaput\nline 2", second.at("/throwable/message").asText());

    JsonNode third = JSON.readTree(lines.get(2));
    assertEquals(0, third.get("mdc").size(), "call keys leaked into a later line: " + third);
  }

  @Test
  void theThreadsOwnMdcIsPutBackAfterACallLine() throws Exception {
    Logger calls = logger("json", "callmesh.calls");
    MDC.put(CallLog.CALL_ID, "outer");
    MDC.put("other", "kept");
    CallLog.log(calls, Level.INFO, "inner", "/fs/stat", "4bf92f3577b34da6a3ce929d0e0e4736", "call");
    assertEquals("outer", MDC.get(CallLog.CALL_ID));
    assertNull(MDC.get(CallLog.OP));
    assertNull(MDC.get(CallLog.TRACE_ID));
    assertEquals("kept", MDC.get("other"));
    JsonNode line = JSON.readTree(lines().get(0));
    assertEquals("inner", line.at("/mdc/callId").asText());
    assertEquals("kept", line.at("/mdc/other").asText());
  }

  @Test
  void aDisabledLevelWritesNothingAndLeavesTheMdcAlone() throws Exception {
    Logger calls = logger("json", "callmesh.calls");
    CallLog.log(calls, Level.DEBUG, "r-1", "/fs/stat", null, "call");
    assertEquals("", out.toString(StandardCharsets.UTF_8));
    assertNull(MDC.get(CallLog.CALL_ID));
  }

  @Test
  void textLinesStayReadable() throws Exception {
    Logger audit = logger("text", "callmesh.audit");
    CallLog.log(audit, Level.INFO, "r-1", "/dev1/fs/stat", "4bf92f3577b34da6a3ce929d0e0e4736", "call id={} op={}",
        "r-1", "/dev1/fs/stat");
    String line = lines().get(0);
    assertTrue(line.matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO  audit - call id=r-1 op=/dev1/fs/stat"), line);
    assertFalse(line.startsWith("{"));
  }
}
