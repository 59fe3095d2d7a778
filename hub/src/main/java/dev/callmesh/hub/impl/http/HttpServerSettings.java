package dev.callmesh.hub.impl.http;

import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpVersion;
import java.util.List;

/**
 * The protocol settings of the hub's HTTP listener: HTTP/2 next to HTTP/1.1 (over TLS chosen by ALPN, {@code h2}
 * first; in clear text as h2c, by prior knowledge or by {@code Upgrade: h2c}), and responses compressed
 * (gzip or deflate, as {@code Accept-Encoding} allows) when they are larger than
 * {@value #COMPRESSION_THRESHOLD_BYTES} bytes over HTTP/1.1 (HTTP/2 answers are compressed whatever their size).
 * Request bodies are not decompressed by the server: {@link RequestBodies} does it within the body limit.
 */
public final class HttpServerSettings {

  /** Responses up to this size are sent as they are (HTTP/1.1): 1 KiB. */
  public static final int COMPRESSION_THRESHOLD_BYTES = 1024;

  private HttpServerSettings() {
  }

  /**
   * @param options the listener's options
   * @param tls whether it speaks TLS (ALPN is then on)
   * @return the options
   */
  public static HttpServerOptions apply(HttpServerOptions options, boolean tls) {
    options.setCompressionSupported(true)
        .setCompressionContentSizeThreshold(COMPRESSION_THRESHOLD_BYTES)
        .setDecompressionSupported(false)
        .setHttp2ClearTextEnabled(true);
    if (tls) {
      options.setUseAlpn(true).setAlpnVersions(List.of(HttpVersion.HTTP_2, HttpVersion.HTTP_1_1));
    }
    return options;
  }
}
