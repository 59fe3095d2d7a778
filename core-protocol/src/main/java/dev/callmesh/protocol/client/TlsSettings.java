package dev.callmesh.protocol.client;

import io.vertx.core.net.ClientOptionsBase;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
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
}
