package dev.callmesh.hub.impl;

import dev.callmesh.hub.HubOptions;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import java.util.Set;

/** The TLS both of the hub's listeners speak when configured: TLS 1.3 only, optional client certificates. */
final class TlsServerSettings {

  private TlsServerSettings() {
  }

  /** Turns TLS on for a listener's options, when the hub has a certificate. */
  static void apply(NetServerOptions server, HubOptions options) {
    if (!options.isTls()) {
      return;
    }
    server.setSsl(true)
        .setKeyCertOptions(new PemKeyCertOptions()
            .setCertPath(options.getTlsCert().toString())
            .setKeyPath(options.getTlsKey().toString()))
        .setEnabledSecureTransportProtocols(Set.of("TLSv1.3"));
    if (options.getClientCa() != null) {
      server.setTrustOptions(new PemTrustOptions().addCertPath(options.getClientCa().toString()))
          .setClientAuth(ClientAuth.REQUIRED);
    }
  }
}
