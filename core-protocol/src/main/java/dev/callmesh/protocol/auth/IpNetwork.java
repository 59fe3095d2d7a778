package dev.callmesh.protocol.auth;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * An IP network {@code address/bits} (or one address) and numeric address parsing that never resolves a
 * host name. Mirrors OpenSSH's {@code addr_pton_cidr}: a network with host bits set is an error.
 */
record IpNetwork(byte[] network, int bits) {

  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
  private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");
  private static final Pattern DIGITS = Pattern.compile("\\d{1,3}");

  /** Outcome of {@link #parse}: not an address at all, an invalid network, or a network. */
  sealed interface Parsed permits NotAddress, Invalid, Network {
  }

  record NotAddress() implements Parsed {
  }

  record Invalid() implements Parsed {
  }

  record Network(IpNetwork network) implements Parsed {
  }

  /**
   * @param pattern {@code 10.0.0.0/8}, {@code ::1}, {@code 2001:db8::/32} or anything else
   * @return NotAddress when the text is no address (use it as a wildcard pattern), Invalid when the mask
   *     is out of range or host bits are set, else the network
   */
  static Parsed parse(String pattern) {
    int slash = pattern.indexOf('/');
    String addr = slash < 0 ? pattern : pattern.substring(0, slash);
    byte[] bytes = parseAddress(addr);
    if (bytes == null) {
      return new NotAddress();
    }
    int bits = bytes.length * 8;
    if (slash >= 0) {
      String len = pattern.substring(slash + 1);
      if (!DIGITS.matcher(len).matches()) {
        return new NotAddress();
      }
      bits = Integer.parseInt(len);
      if (bits > bytes.length * 8) {
        return new Invalid();
      }
    }
    for (int i = 0; i < bytes.length * 8; i++) {
      if (i >= bits && (bytes[i / 8] & (0x80 >>> (i % 8))) != 0) {
        return new Invalid();
      }
    }
    return new Network(new IpNetwork(bytes, bits));
  }

  /**
   * @param text a numeric IPv4 or IPv6 address (no brackets, no zone)
   * @return its 4 or 16 bytes (IPv4-mapped IPv6 addresses come back as 4), or null when it is none
   */
  static byte[] parseAddress(String text) {
    if (IPV4.matcher(text).matches()) {
      String[] parts = text.split("\\.");
      byte[] out = new byte[4];
      for (int i = 0; i < 4; i++) {
        int v = Integer.parseInt(parts[i]);
        if (v > 255) {
          return null;
        }
        out[i] = (byte) v;
      }
      return out;
    }
    if (text.length() <= 45 && IPV6.matcher(text).matches()) {
      try {
        // Brackets make the JDK treat the text as an IPv6 literal and never look it up in DNS.
        InetAddress a = InetAddress.getByName("[" + text + "]");
        return a.getAddress();
      } catch (UnknownHostException e) {
        return null;
      }
    }
    return null;
  }

  /** @return whether the address (4 or 16 bytes) is inside this network; families must agree */
  boolean contains(byte[] address) {
    if (address == null || address.length != network.length) {
      return false;
    }
    for (int i = 0; i < bits; i++) {
      int mask = 0x80 >>> (i % 8);
      if ((address[i / 8] & mask) != (network[i / 8] & mask)) {
        return false;
      }
    }
    return true;
  }
}
