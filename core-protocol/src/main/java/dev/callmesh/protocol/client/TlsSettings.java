package dev.callmesh.protocol.client;

import dev.callmesh.protocol.CallException;
import dev.callmesh.protocol.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.ClientOptionsBase;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.util.Set;

/** The TLS a client uses towards a hub: TLS 1.3 (1.2 allowed), the hub's name checked, trust as configured. */
final class TlsSettings {

  private TlsSettings() {
  }

  /**
   * Turns TLS on for a client's options.
   *
   * @param client the client options to change
   * @param options where the trusted CA comes from ({@code caFile} or the JDK's trust store), and the
   *     client certificate presented to a hub that asks for one
   */
  static void apply(ClientOptionsBase client, ConnectOptions options) {
    client.setSsl(true)
        .setEnabledSecureTransportProtocols(Set.of("TLSv1.3", "TLSv1.2"));
    if (options.getCaFile() != null) {
      client.setTrustOptions(new PemTrustOptions().addCertPath(options.getCaFile().toString()));
    }
    if (options.getCertFile() != null) {
      client.setKeyCertOptions(new PemKeyCertOptions()
          .setCertPath(options.getCertFile().toString())
          .setKeyPath(options.getCertKeyFile().toString()));
    }
  }

  /**
   * Reads the client certificate and its key before a dial, so that a file that is missing or is not what
   * it should be is named, rather than reported as a hub that cannot be reached.
   *
   * @return a future completed when there is no client certificate or both files make a usable one; else
   *     failed with a {@link CallException} (UNAUTHENTICATED) naming the file and what is wrong with it
   */
  static Future<Void> checkClientCert(Vertx vertx, ConnectOptions options) {
    Path cert = options.getCertFile();
    Path key = options.getCertKeyFile();
    if (cert == null) {
      return Future.succeededFuture();
    }
    return vertx.executeBlocking(() -> {
      byte[] certPem = read(cert, "the client certificate (--cert)");
      byte[] keyPem = read(key, "the key of the client certificate (--cert-key)");
      try {
        if (CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(certPem)).isEmpty()) {
          throw new CertificateException("no certificate in it");
        }
      } catch (CertificateException e) {
        throw CallException.of(ErrorCode.UNAUTHENTICATED, "the client certificate (--cert) " + cert
            + " is not a PEM certificate: " + e.getMessage());
      }
      try {
        new PemKeyCertOptions().setCertValue(Buffer.buffer(certPem)).setKeyValue(Buffer.buffer(keyPem))
            .getKeyManagerFactory(vertx);
      } catch (Exception e) {
        throw CallException.of(ErrorCode.UNAUTHENTICATED, "cannot use " + key + " (--cert-key) as the key of the"
            + " client certificate " + cert + ": " + e.getMessage());
      }
      return null;
    });
  }

  private static byte[] read(Path file, String what) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw CallException.of(ErrorCode.UNAUTHENTICATED, "cannot read " + what + " " + file + ": "
          + (e instanceof java.nio.file.NoSuchFileException ? "no such file" : e.toString()));
    }
  }

  /**
   * @return what to add to "the hub closed the connection during the TLS handshake": the likely reason
   *     when the hub demands client certificates, as it does not say which
   */
  static String closedDuringHandshakeHint(ConnectOptions options) {
    return options.getCertFile() == null
        ? "; a hub that demands a client certificate (--client-ca) does this to a client without one:"
            + " pass --cert PEM --cert-key PEM"
        : "; a hub that demands a client certificate (--client-ca) does this when its CA did not sign the one"
            + " presented (--cert " + options.getCertFile() + ")";
  }
}
