package dev.callmesh.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Real curl runs that keep what the HTTP tests look at: the status, the HTTP version, the headers, the body bytes. */
final class Curl {

  /**
   * One answer.
   *
   * @param status the status code
   * @param version the HTTP version curl used ("1.1", "2")
   * @param headers the headers of the final response, by lower-case name
   * @param body the body as received (decoded only when curl was told {@code --compressed})
   */
  record Answer(int status, String version, Map<String, String> headers, byte[] body) {
    /** @return the header, or {@code null} */
    String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }

    String text() {
      return new String(body, StandardCharsets.UTF_8);
    }

    JsonObject json() {
      return new JsonObject(text());
    }

    /** @return the error code of a JSON error body */
    String errorCode() {
      return json().getJsonObject("error").getString("code");
    }
  }

  private Curl() {
  }

  /** Runs {@code curl -sS ARGS} in a scratch directory and reads its answer. */
  static Answer run(Path dir, String... args) throws Exception {
    Path headers = Files.createTempFile(dir, "curl", ".headers");
    Path body = Files.createTempFile(dir, "curl", ".body");
    List<String> cmd = new ArrayList<>(List.of(Tools.require("curl").toString(), "-sS", "--max-time", "60",
        "-D", headers.toString(), "-o", body.toString(), "-w", "%{http_code} %{http_version}"));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), "curl " + String.join(" ", args) + " failed: " + err);
    String[] w = out.split(" ");
    return new Answer(Integer.parseInt(w[0]), w[1], lastHeaders(Files.readAllLines(headers, StandardCharsets.ISO_8859_1)),
        Files.readAllBytes(body));
  }

  /** @return the header fields of the last response block (after a 101 or 100, the final one) */
  private static Map<String, String> lastHeaders(List<String> lines) {
    Map<String, String> h = new LinkedHashMap<>();
    for (String line : lines) {
      if (line.startsWith("HTTP/")) {
        h.clear();
      } else if (line.indexOf(':') > 0) {
        int colon = line.indexOf(':');
        h.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
      }
    }
    return h;
  }
}
