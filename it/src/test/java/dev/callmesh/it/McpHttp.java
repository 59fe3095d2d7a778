package dev.callmesh.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One request made with real curl, with its status, response headers and body: for the HTTP checks of the MCP
 * and OpenAPI endpoints.
 *
 * @param status the HTTP status
 * @param headers the response's header lines
 * @param body the response body
 */
record McpHttp(int status, String headers, String body) {

  /** @return the body as a JSON object */
  JsonObject json() {
    return new JsonObject(body);
  }

  /** @return the value of the response header (case-insensitive name), or "" */
  String header(String name) {
    for (String line : headers.split("\r?\n")) {
      int colon = line.indexOf(':');
      if (colon > 0 && line.substring(0, colon).trim().toLowerCase(Locale.ROOT).equals(name)) {
        return line.substring(colon + 1).trim();
      }
    }
    return "";
  }

  /** @return the curl arguments with {@code -H} for each header added */
  static String[] with(String[] args, String... headers) {
    List<String> all = new ArrayList<>(List.of(args));
    for (String h : headers) {
      all.add("-H");
      all.add(h);
    }
    return all.toArray(String[]::new);
  }

  /** POSTs the body with the extra curl arguments. */
  static McpHttp post(String url, String body, String... args) throws Exception {
    return send("POST", url, body, args);
  }

  /** Sends a request with curl: method, URL, body (or {@code null}) and extra curl arguments. */
  static McpHttp send(String method, String url, String body, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(Tools.require("curl").toString(), "-s", "--max-time", "30", "-X", method,
        "-D", "-", "-w", "\n%{http_code}"));
    if (body != null) {
      cmd.add("--data-binary");
      cmd.add(body);
    }
    cmd.addAll(List.of(args));
    cmd.add(url);
    Process p = new ProcessBuilder(cmd).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), "curl failed: " + new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
    int nl = out.lastIndexOf('\n');
    int status = Integer.parseInt(out.substring(nl + 1).trim());
    String response = out.substring(0, nl);
    int split = response.indexOf("\r\n\r\n");
    return split < 0 ? new McpHttp(status, response, "")
        : new McpHttp(status, response.substring(0, split), response.substring(split + 4));
  }
}
