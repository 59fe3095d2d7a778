package dev.callmesh.protocol.auth;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs the real OpenSSH {@code ssh-keygen}. When it is missing, tests are skipped with a clear message,
 * except on CI ({@code CI=true}), where a missing tool is a failure.
 */
final class SshKeygen {

  static final String BINARY = "/usr/bin/ssh-keygen";

  /** The output and exit status of one run. */
  record Result(int exit, String stdout, String stderr) {
  }

  private SshKeygen() {
  }

  /** Skips the calling test (or fails it on CI) when ssh-keygen is not installed. */
  static void require() {
    if (Files.isExecutable(Path.of(BINARY))) {
      return;
    }
    String why = BINARY + " is not installed; install OpenSSH (apt-get install openssh-client) to run this test";
    if ("true".equals(System.getenv("CI"))) {
      fail(why + " (CI=true: missing tools fail the build)");
    }
    Assumptions.abort(why);
  }

  /** Runs ssh-keygen with the arguments and stdin, and returns whatever it did. */
  static Result run(byte[] stdin, String... args) throws IOException, InterruptedException {
    require();
    List<String> cmd = new ArrayList<>();
    cmd.add(BINARY);
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).start();
    try (var in = p.getOutputStream()) {
      if (stdin != null) {
        in.write(stdin);
      }
    }
    var out = p.getInputStream().readAllBytes();
    var err = p.getErrorStream().readAllBytes();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      fail("ssh-keygen did not finish within 60 s: " + cmd);
    }
    return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
  }

  /** Runs ssh-keygen and fails the test unless it exits 0. */
  static Result runOk(byte[] stdin, String... args) throws IOException, InterruptedException {
    Result r = run(stdin, args);
    if (r.exit() != 0) {
      fail("ssh-keygen " + String.join(" ", args) + " exited " + r.exit() + ": " + r.stderr());
    }
    return r;
  }

  /** Generates an unencrypted (or, with a passphrase, encrypted) ed25519 key with comment "test". */
  static Path generate(Path dir, String name, String passphrase) throws IOException, InterruptedException {
    return generate(dir, name, "ed25519", passphrase);
  }

  /** Generates a key of the given type ("ed25519", "rsa", "ecdsa") with comment "test". */
  static Path generate(Path dir, String name, String type, String passphrase)
      throws IOException, InterruptedException {
    Path key = dir.resolve(name);
    runOk(null, "-q", "-t", type, "-N", passphrase == null ? "" : passphrase, "-C", "test", "-f", key.toString());
    return key;
  }

  /** @return the armored signature made by {@code ssh-keygen -Y sign -n namespace -f key} over message */
  static String sign(Path key, String namespace, byte[] message) throws IOException, InterruptedException {
    return sign(key, namespace, message, "sha512");
  }

  /** As {@link #sign(Path, String, byte[])}, with the given hash ({@code -O hashalg=sha256|sha512}). */
  static String sign(Path key, String namespace, byte[] message, String hash)
      throws IOException, InterruptedException {
    Path msg = Files.createTempFile(key.getParent(), "msg", ".bin");
    Files.write(msg, message);
    runOk(null, "-q", "-Y", "sign", "-n", namespace, "-O", "hashalg=" + hash, "-f", key.toString(), msg.toString());
    Path sig = Path.of(msg + ".sig");
    String armored = Files.readString(sig);
    Files.delete(sig);
    Files.delete(msg);
    return armored;
  }

  /** @return the {@code SHA256:...} fingerprint that {@code ssh-keygen -lf} prints for the key file */
  static String fingerprint(Path pub) throws IOException, InterruptedException {
    return runOk(null, "-l", "-E", "sha256", "-f", pub.toString()).stdout().strip().split("\\s+")[1];
  }

  /** @return the public key line that {@code ssh-keygen -y -f} derives from a private key file */
  static String publicOf(Path key) throws IOException, InterruptedException {
    return runOk(null, "-y", "-P", "", "-f", key.toString()).stdout().strip();
  }

  /** @return whether {@code ssh-keygen -Y verify} accepts the signature for the key and namespace */
  static boolean verify(SshPublicKey key, String namespace, byte[] message, String signature, Path dir)
      throws IOException, InterruptedException {
    Path signers = Files.createTempFile(dir, "allowed_signers", "");
    Files.writeString(signers, "tester " + key.toOpenSsh(null) + "\n");
    Path sig = Files.createTempFile(dir, "sig", ".sig");
    Files.writeString(sig, signature);
    Result r = run(message, "-Y", "verify", "-f", signers.toString(), "-I", "tester", "-n", namespace,
        "-s", sig.toString());
    return r.exit() == 0;
  }
}
