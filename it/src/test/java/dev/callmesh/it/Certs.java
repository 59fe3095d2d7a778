package dev.callmesh.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Test certificates made with the real {@code openssl} command (ECDSA P-256, valid two days). */
final class Certs {

  private Certs() {
  }

  /** Makes a self-signed certificate for 127.0.0.1: dir/NAME.pem and dir/NAME.key (PKCS#8). */
  static Path selfSigned(Path dir, String name) throws Exception {
    run(dir, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
        "-keyout", name + ".key", "-out", name + ".pem", "-days", "2", "-subj", "/CN=127.0.0.1",
        "-addext", "subjectAltName=IP:127.0.0.1", "-addext", "basicConstraints=critical,CA:TRUE");
    return dir.resolve(name + ".pem");
  }

  /** Makes a CA of its own name: dir/NAME.pem and dir/NAME.key. */
  static Path ca(Path dir, String name) throws Exception {
    run(dir, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
        "-keyout", name + ".key", "-out", name + ".pem", "-days", "2", "-subj", "/CN=" + name + " test CA",
        "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
    return dir.resolve(name + ".pem");
  }

  /** Makes dir/NAME.pem and dir/NAME.key signed by the CA dir/CA.pem + dir/CA.key, for TLS clients. */
  static Path clientSignedBy(Path dir, String ca, String name) throws Exception {
    run(dir, "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", name + ".key",
        "-out", name + ".csr", "-subj", "/CN=" + name);
    run(dir, "x509", "-req", "-in", name + ".csr", "-CA", ca + ".pem", "-CAkey", ca + ".key", "-CAcreateserial",
        "-out", name + ".pem", "-days", "2");
    return dir.resolve(name + ".pem");
  }

  private static void run(Path dir, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(Tools.require("openssl").toString()));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertEquals(0, p.waitFor(), "openssl " + String.join(" ", args) + ": " + out);
  }
}
