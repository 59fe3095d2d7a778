package dev.callmesh.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;

/** Tokens for tests, made by the CLI as a user would. */
final class ItTokens {

  private ItTokens() {
  }

  /** @return a signed-timestamp token of the key ({@code callmesh token --offline}) */
  static String offline(Mesh mesh, Path key) throws Exception {
    Mesh.CliResult r = mesh.cli("--hub", "tcp://127.0.0.1:" + mesh.port, "--key", key.toString(), "token", "--offline");
    assertEquals(0, r.exit(), r.err());
    return r.out().trim();
  }
}
