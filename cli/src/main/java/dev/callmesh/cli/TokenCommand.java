package dev.callmesh.cli;

import dev.callmesh.client.CallmeshClient;
import dev.callmesh.protocol.auth.SshKeyPair;
import dev.callmesh.protocol.auth.TimestampToken;
import dev.callmesh.protocol.util.Durations;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code callmesh token [--ttl DURATION] [--allow PATTERN,...] [--offline]}. */
@Command(name = "token", mixinStandardHelpOptions = true,
    description = {"Prints a token for the HTTP API and browsers.",
        "It is a hub JWT for your key (asked of the hub), or with --offline a signed-timestamp token",
        "made locally, valid for 5 minutes around now.",
        "A JWT may be scoped with --allow: it then calls only what both its patterns and your key's allow",
        "list permit. A JWT never buys another one: this command signs in with your key.",
        "Use it as: curl -H \"Authorization: Bearer $(callmesh token)\" http://127.0.0.1:7480/v1/services"})
final class TokenCommand extends ClientCommand {

  @Spec
  CommandLine.Model.CommandSpec spec;

  @Option(names = "--ttl", paramLabel = "DURATION", description = "Lifetime of the JWT, up to 24h (default 1h)")
  String ttl;

  @Option(names = "--allow", paramLabel = "PATTERN", split = ",",
      description = "Narrow the JWT to these operation path patterns (* matches anything), e.g. /dev1/fs/read*,/dev1/fs/stat")
  java.util.List<String> allow;

  @Option(names = "--offline", description = "Make a signed-timestamp token from the key, without asking the hub")
  boolean offline;

  private long ttlSeconds;

  @Override
  void prepare() {
    try {
      ttlSeconds = ttl == null ? 3600 : Durations.parse(ttl).toSeconds();
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    if (ttlSeconds < 1 || ttlSeconds > 24 * 3600) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--ttl must be between 1s and 24h");
    }
    if (allow != null && offline) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--allow scopes a hub JWT; an --offline token "
          + "always carries the key's whole allow list");
    }
    if (allow != null && allow.stream().anyMatch(p -> !p.startsWith("/"))) {
      throw new CommandLine.ParameterException(spec.commandLine(), "each --allow pattern is an operation path "
          + "pattern starting with /, e.g. /dev1/fs/read*");
    }
  }

  @Override
  boolean needsConnection() {
    return !offline;
  }

  @Override
  Integer runOffline(SshKeyPair key) {
    System.out.println(TimestampToken.create(key, System.currentTimeMillis() / 1000));
    return 0;
  }

  @Override
  Future<Integer> run(CallmeshClient client) {
    JsonObject input = new JsonObject().put("ttlSeconds", ttlSeconds);
    if (allow != null) {
      input.put("allow", new io.vertx.core.json.JsonArray(allow));
    }
    return print(client.call("/hub/auth/token", input), out -> {
      System.out.println(((JsonObject) out).getString("token"));
      return 0;
    });
  }
}
