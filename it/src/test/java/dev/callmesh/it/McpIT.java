package dev.callmesh.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.callmesh.client.CallmeshClient;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The hub's MCP server ({@code /mcp}, Streamable HTTP) driven by the official MCP Java SDK's own client, with a
 * scoped hub JWT as its Bearer token, against the real hub and spoke jars: tools follow the token's rights and
 * the live catalog; tool calls go through the hub. Plus what the SDK does not show: 401, session ids, DELETE.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class McpIT {

  static Mesh mesh;
  static Path agent;
  static Path other;
  static Path spoke2;
  static CallmeshClient admin;

  @BeforeAll
  static void start() throws Exception {
    Tools.require("curl");
    mesh = new Mesh();
    Path spokeKey = mesh.spokeKey("dev1");
    spoke2 = mesh.spokeKey("dev2");
    agent = mesh.userKey("agent", "/dev1/*,/dev2/*");
    other = mesh.userKey("other", "/dev1/fs/*");
    Path adminKey = mesh.adminKey(); // authorized before the hub starts: no wait for a reload
    Path root = mesh.root("dev1");
    Files.writeString(root.resolve("README.md"), "# served over MCP\n");
    mesh.startHub(0);
    mesh.startSpoke("dev1", spokeKey, root);
    admin = mesh.client(adminKey);
  }

  @AfterAll
  static void stop() throws Exception {
    mesh.close();
  }

  @AfterEach
  void nothingPending() throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (Mesh.inFlight(admin).values().stream().anyMatch(n -> n != 0) && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    Mesh.inFlight(admin).forEach((spoke, n) -> assertEquals(0, n, "calls pending towards " + spoke));
  }

  private static String token(Path key, String... args) throws Exception {
    List<String> all = new java.util.ArrayList<>(List.of("--hub", "tcp://127.0.0.1:" + mesh.port, "--key", key.toString(),
        "token"));
    all.addAll(List.of(args));
    Mesh.CliResult r = mesh.cli(all.toArray(String[]::new));
    assertEquals(0, r.exit(), r.err());
    return r.out().trim();
  }

  private static McpSyncClient client(String token, List<List<McpSchema.Tool>> changes,
                                      List<McpSchema.ProgressNotification> progress) {
    HttpClientStreamableHttpTransport transport = HttpClientStreamableHttpTransport
        .builder("http://127.0.0.1:" + mesh.httpPort)
        .endpoint("/mcp")
        .httpRequestCustomizer((request, method, uri, body, context) -> request.header("Authorization", "Bearer " + token))
        .build();
    return McpClient.sync(transport)
        .requestTimeout(Duration.ofSeconds(30))
        .clientInfo(new McpSchema.Implementation("callmesh-it", "1"))
        .enableCallToolSchemaCaching(true) // the SDK checks structuredContent against each tool's outputSchema
        .toolsChangeConsumer(changes::add)
        .progressConsumer(progress::add)
        .build();
  }

  private static String text(McpSchema.CallToolResult result) {
    return ((McpSchema.TextContent) result.content().get(0)).text();
  }

  @Test
  @SuppressWarnings("unchecked")
  void theSdkClientListsAndCallsTheToolsItsTokenMayCall() throws Exception {
    // GIVEN a JWT narrowed to reading files and bash on dev1 (its key may call all of /dev1 and /dev2)
    String jwt = token(agent, "--allow", "/dev1/fs/read*,/dev1/bash/*,/dev2/*");
    List<List<McpSchema.Tool>> changes = new CopyOnWriteArrayList<>();
    List<McpSchema.ProgressNotification> progress = new CopyOnWriteArrayList<>();
    try (McpSyncClient client = client(jwt, changes, progress)) {
      McpSchema.InitializeResult init = client.initialize();
      assertEquals("callmesh", init.serverInfo().name());
      assertEquals("2025-11-25", init.protocolVersion(), "the newest version both speak");
      assertTrue(init.capabilities().tools().listChanged());

      List<String> names = client.listTools().tools().stream().map(McpSchema.Tool::name).toList();
      assertTrue(names.containsAll(List.of("dev1.fs.readFile", "dev1.bash.run", "dev1.bash.exec")), names.toString());
      assertFalse(names.contains("dev1.fs.writeFile"), "outside the token's scope: " + names);
      assertFalse(names.contains("dev1.fs.stat"), "outside the token's scope: " + names);

      McpSchema.CallToolResult read = client.callTool(new McpSchema.CallToolRequest("dev1.fs.readFile",
          Map.of("path", "README.md")));
      assertFalse(Boolean.TRUE.equals(read.isError()), text(read));
      assertEquals("# served over MCP\n", ((Map<?, ?>) read.structuredContent()).get("content"));
      assertEquals("# served over MCP\n", new JsonObject(text(read)).getString("content"));

      McpSchema.CallToolResult run = client.callTool(new McpSchema.CallToolRequest("dev1.bash.run",
          Map.of("command", "echo hello-$((6*7))")));
      assertEquals(Map.of("exitCode", 0, "stdout", "hello-42\n", "stderr", "", "truncated", false), run.structuredContent());

      McpSchema.CallToolResult forbidden = client.callTool(new McpSchema.CallToolRequest("dev1.fs.writeFile",
          Map.of("path", "x.txt", "content", "x")));
      assertTrue(forbidden.isError());
      assertTrue(text(forbidden).startsWith("FORBIDDEN: identity agent may not call /dev1/fs/writeFile"), text(forbidden));
      assertFalse(Files.exists(mesh.dir.resolve("roots/dev1/x.txt")));

      McpSchema.CallToolResult invalid = client.callTool(new McpSchema.CallToolRequest("dev1.fs.readFile", Map.of()));
      assertTrue(invalid.isError());
      assertTrue(text(invalid).startsWith("INVALID_INPUT: "), text(invalid));

      // Unknown: no such operation on dev1, no spoke dev2 yet, no path at all. As over HTTP, rights come first: a
      // name outside the token's rights is FORBIDDEN whether or not it exists.
      McpSchema.CallToolResult outside = client.callTool(new McpSchema.CallToolRequest("dev1.fs.nosuch", Map.of()));
      assertTrue(outside.isError() && text(outside).startsWith("FORBIDDEN: "), text(outside));
      for (String unknown : new String[] {"dev1.fs.readNothing", "dev2.fs.readFile", "not..a.tool"}) {
        McpError e = assertThrows(McpError.class, () -> client.callTool(new McpSchema.CallToolRequest(unknown, Map.of())));
        assertEquals(-32602, e.getJsonRpcError().code(), unknown);
        assertTrue(e.getJsonRpcError().message().contains("Unknown tool: " + unknown), e.getJsonRpcError().message());
      }

      // A subscription's outputs come back together, each also sent as a progress notification.
      McpSchema.CallToolResult exec = client.callTool(McpSchema.CallToolRequest.builder().name("dev1.bash.exec")
          .arguments(Map.of("command", "echo one; echo two")).progressToken("p-1").build());
      List<?> outputs = (List<?>) ((Map<?, ?>) exec.structuredContent()).get("outputs");
      assertEquals(List.of(Map.of("stream", "stdout", "data", "one\n"), Map.of("stream", "stdout", "data", "two\n"),
          Map.of("exitCode", 0)), mergedStdout(outputs));
      assertEquals(outputs.size(), progress.size(), progress.toString());
      assertEquals("p-1", progress.get(0).progressToken());
      assertEquals(1.0, progress.get(0).progress());
      assertEquals(new JsonObject((Map<String, Object>) outputs.get(0)), new JsonObject(progress.get(0).message()));

      // WHEN a second spoke joins THEN the open stream says the tool list changed, and the new list has its tools
      assertTrue(changes.isEmpty(), changes.toString());
      mesh.startSpoke("dev2", spoke2, mesh.root("dev2"));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
      while (changes.stream().noneMatch(l -> l.stream().anyMatch(t -> t.name().equals("dev2.fs.readFile")))
          && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertTrue(changes.stream().anyMatch(l -> l.stream().anyMatch(t -> t.name().equals("dev2.fs.readFile"))),
          "no notifications/tools/list_changed with dev2's tools: " + changes);
    }
  }

  /** @return the outputs with consecutive stdout chunks joined line by line (bash may write both echoes at once) */
  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> mergedStdout(List<?> outputs) {
    StringBuilder stdout = new StringBuilder();
    List<Map<String, Object>> out = new java.util.ArrayList<>();
    for (Object o : outputs) {
      Map<String, Object> m = (Map<String, Object>) o;
      if ("stdout".equals(m.get("stream"))) {
        stdout.append(m.get("data"));
      } else {
        stdout.toString().lines().forEach(l -> out.add(Map.of("stream", "stdout", "data", l + "\n")));
        out.add(m);
      }
    }
    return out;
  }

  @Test
  void curlSeesAuthSessionsAndTheirEnd() throws Exception {
    String url = "http://127.0.0.1:" + mesh.httpPort + "/mcp";
    String init = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-06-18\","
        + "\"capabilities\":{},\"clientInfo\":{\"name\":\"curl\",\"version\":\"1\"}}}";
    String list = "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}";
    String[] json = {"-H", "Content-Type: application/json", "-H", "Accept: application/json, text/event-stream"};

    McpHttp none = McpHttp.post(url, init, json);
    assertEquals(401, none.status(), none.body());
    assertTrue(none.header("www-authenticate").startsWith("Bearer"), none.headers());

    String token = token(agent, "--offline");
    McpHttp opened = McpHttp.post(url, init, McpHttp.with(json, "Authorization: Bearer " + token));
    assertEquals(200, opened.status(), opened.body());
    String session = opened.header("mcp-session-id");
    assertTrue(session.matches("[A-Za-z0-9_-]{22}"), "a session id: " + opened.headers());
    assertEquals("2025-06-18", opened.json().getJsonObject("result").getString("protocolVersion"));

    String[] auth = McpHttp.with(json, "Authorization: Bearer " + token);
    assertEquals(400, McpHttp.post(url, list, auth).status(), "no session id");
    String[] inSession = McpHttp.with(auth, "Mcp-Session-Id: " + session);
    McpHttp tools = McpHttp.post(url, list, inSession);
    assertEquals(200, tools.status(), tools.body());
    assertTrue(tools.body().contains("\"dev1.fs.readFile\""), tools.body());
    assertEquals(202, McpHttp.post(url, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}", inSession).status());
    assertEquals(400, McpHttp.post(url, list, McpHttp.with(inSession, "MCP-Protocol-Version: 1999-01-01")).status(),
        "a protocol version not served");

    // Bad input gets JSON-RPC errors, never a dead request
    McpHttp notJson = McpHttp.post(url, "{nope", inSession);
    assertEquals(400, notJson.status(), notJson.body());
    assertEquals(-32700, notJson.json().getJsonObject("error").getInteger("code"));
    McpHttp arrayParams = McpHttp.post(url, "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":[1]}", inSession);
    assertEquals(-32602, arrayParams.json().getJsonObject("error").getInteger("code"), arrayParams.body());
    McpHttp oddMeta = McpHttp.post(url, "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"tools/call\",\"params\":{\"name\":"
        + "\"dev1.fs.stat\",\"arguments\":{\"path\":\"README.md\"},\"_meta\":\"x\"}}", inSession);
    assertEquals("README.md", oddMeta.json().getJsonObject("result").getJsonObject("structuredContent").getString("path"),
        oddMeta.body());
    McpHttp noMethod = McpHttp.post(url, "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"prompts/list\"}", inSession);
    assertEquals(-32601, noMethod.json().getJsonObject("error").getInteger("code"), noMethod.body());

    String otherToken = token(other, "--offline");
    assertEquals(404, McpHttp.post(url, list, McpHttp.with(json, "Authorization: Bearer " + otherToken,
        "Mcp-Session-Id: " + session)).status(), "a session is its identity's only");

    assertEquals(204, McpHttp.send("DELETE", url, null, inSession).status());
    assertEquals(404, McpHttp.post(url, list, inSession).status(), "an ended session");
    assertEquals(404, McpHttp.send("DELETE", url, null, inSession).status());
  }
}
