package dev.callmesh.hub.impl.mcp;

import dev.callmesh.hub.impl.HttpGateway;
import dev.callmesh.hub.impl.gateway.Catalog;
import dev.callmesh.hub.impl.gateway.CollectedCall;
import dev.callmesh.operations.OperationSpec;
import dev.callmesh.operations.OperationType;
import dev.callmesh.protocol.CallException;
import dev.callmesh.protocol.ErrorCode;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.ProtocolVersions;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * What the MCP methods do for a session: {@code initialize} agrees on a protocol version and says the server
 * offers tools whose list may change; {@code tools/list} lists a tool per operation the caller may call (what
 * {@code /services/list} lists for it, asked through the hub's router); {@code tools/call} makes the call
 * through the router, as the caller, with the tool's arguments as the input. A tool the caller may not call
 * is a result with {@code isError} and FORBIDDEN's message; a name that is no operation at all is the JSON-RPC
 * error -32602 (Unknown tool). Runs on the hub's context.
 */
final class McpMethods {

  /**
   * The protocol versions served, newest first: what this server uses of them (tools, progress, list changes,
   * Streamable HTTP with sessions) reads the same in each.
   */
  static final List<String> VERSIONS = List.of(ProtocolVersions.MCP_2025_11_25, ProtocolVersions.MCP_2025_06_18,
      ProtocolVersions.MCP_2025_03_26);
  /** JSON-RPC's code for invalid params, which MCP also uses for an unknown tool. */
  static final int INVALID_PARAMS = McpSchema.ErrorCodes.INVALID_PARAMS;

  /** A JSON-RPC error to answer a request with. */
  static final class Failure extends RuntimeException {
    final int code;

    Failure(int code, String message) {
      super(message, null, false, false);
      this.code = code;
    }
  }

  private static final AtomicLong IDS = new AtomicLong();

  private final HttpGateway gateway;
  private final McpLimits limits;
  private final String version;

  McpMethods(HttpGateway gateway, McpLimits limits, String version) {
    this.gateway = gateway;
    this.limits = limits;
    this.version = version;
  }

  /** @return the version to answer a client that asked for {@code requested}: that one if served, else the newest */
  static String negotiate(String requested) {
    return VERSIONS.contains(requested) ? requested : VERSIONS.get(0);
  }

  /** @return the answer to {@code initialize} in a session of the version */
  McpSchema.InitializeResult initialize(String protocolVersion) {
    return new McpSchema.InitializeResult(protocolVersion,
        McpSchema.ServerCapabilities.builder().tools(true).build(),
        new McpSchema.Implementation("callmesh", "callmesh hub", version),
        "The tools are the operations of a callmesh hub that your token may call. A tool's name is the operation's "
            + "path without its leading / and with each / replaced by . (dev1.fs.readFile is /dev1/fs/readFile); "
            + "its arguments are the operation's input.");
  }

  /** @return a future of the tools the caller may call now; the session remembers their paths */
  Future<McpSchema.ListToolsResult> listTools(HttpGateway.Caller caller, McpSession session) {
    return Catalog.of(gateway, caller, "mcp").map(specs -> {
      List<McpSchema.Tool> tools = new ArrayList<>(specs.size());
      Map<String, String> paths = new LinkedHashMap<>();
      for (OperationSpec spec : specs) {
        String name = ToolNames.toolName(spec.name());
        if (paths.putIfAbsent(name, spec.name()) == null) { // two paths with one name: the first, in path order
          tools.add(McpTools.tool(spec, limits.maxStreamBytes()));
        }
      }
      session.toolPaths = paths;
      return new McpSchema.ListToolsResult(tools, null);
    });
  }

  /**
   * Calls a tool. Must run on the context of the HTTP request.
   *
   * @param requestKey the JSON-RPC request id, as a key of the session's running calls
   * @param params the request's {@code params}: {@code name}, {@code arguments}, {@code _meta}
   * @param progress shown each output of a subscription as it comes, or {@code null}
   * @return a future of the result (an error of the call is a result with {@code isError}), failed with a
   *     {@link Failure} when the params are not a tool call or the tool is unknown
   */
  Future<McpSchema.CallToolResult> callTool(HttpGateway.Caller caller, McpSession session, String requestKey,
                                            JsonObject params, Function<Object, Future<?>> progress) {
    Object name = params == null ? null : params.getValue("name");
    Object arguments = params == null ? null : params.getValue("arguments");
    if (!(name instanceof String tool) || (arguments != null && !(arguments instanceof JsonObject))) {
      return Future.failedFuture(new Failure(INVALID_PARAMS, "tools/call takes {\"name\": string, \"arguments\": object}"));
    }
    String path = session.toolPaths.get(tool);
    path = path != null ? path : ToolNames.path(tool);
    if (path == null) {
      return Future.failedFuture(new Failure(INVALID_PARAMS, "Unknown tool: " + tool));
    }
    if (session.running.size() >= limits.maxCallsPerSession()) {
      return Future.succeededFuture(McpTools.error(CallException.of(ErrorCode.RESOURCE_EXHAUSTED, "this MCP session has "
          + limits.maxCallsPerSession() + " tool calls running; wait for one to end")));
    }
    OperationSpec spec = gateway.spec(path);
    boolean stream = spec != null && spec.opType() == OperationType.SUBSCRIPTION;
    JsonObject payload = new JsonObject().put("operationId", path)
        .put("input", arguments == null ? new JsonObject() : arguments);
    Long timeout = timeout(params.getValue("_meta") instanceof JsonObject meta ? meta : null);
    if (timeout != null || stream) {
      payload.put("timeoutMs", timeout != null ? timeout : limits.subscriptionTimeoutMs());
    }
    CollectedCall[] call = new CollectedCall[1];
    gateway.call(caller, onEnd -> call[0] = new CollectedCall("mcp-" + IDS.incrementAndGet(), payload, stream,
        limits.maxStreamBytes(), stream ? progress : null, () -> {
          session.running.remove(requestKey, call[0]);
          onEnd.run();
        }));
    if (!call[0].isDone()) {
      session.running.put(requestKey, call[0]);
    }
    return call[0].result().map(out -> McpTools.result(stream, out)).recover(err -> {
      CallException e = err instanceof CallException ce ? ce : CallException.of(ErrorCode.INTERNAL, String.valueOf(err));
      if (spec == null && (e.is(ErrorCode.NOT_FOUND) || e.is(ErrorCode.UNAVAILABLE))) {
        return Future.failedFuture(new Failure(INVALID_PARAMS, "Unknown tool: " + tool));
      }
      return Future.succeededFuture(McpTools.error(e));
    });
  }

  /** @return the deadline {@code _meta["dev.callmesh/timeoutMs"]} asks for, or {@code null} */
  private static Long timeout(JsonObject meta) {
    Object t = meta == null ? null : meta.getValue(McpTools.TIMEOUT_META);
    return t instanceof Number n && n.longValue() > 0 && n.longValue() <= 86_400_000L ? n.longValue() : null;
  }
}
