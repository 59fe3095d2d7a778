package dev.callmesh.protocol.auth;

import java.util.Locale;

/**
 * OpenSSH pattern lists for source addresses, as in the {@code from=} option of authorized_keys: patterns
 * separated by commas, each an address, a CIDR network ({@code 10.0.0.0/8}) or a wildcard pattern
 * ({@code *} any run, {@code ?} one character), optionally negated with {@code !}.
 */
public final class AddressPatterns {

  private AddressPatterns() {
  }

  /**
   * Decides as OpenSSH's {@code addr_match_list} does: a matching negated pattern denies whatever else
   * matches; otherwise at least one positive pattern must match. An empty pattern or an invalid network
   * (mask too long, host bits set) makes the whole list deny.
   *
   * @param patternList for example {@code 127.0.0.1,10.0.*,!10.0.0.66,192.168.0.0/16}
   * @param address the peer's numeric address; {@code [..]} brackets and a {@code %zone} are ignored
   * @return whether the address is allowed; false when either is null
   */
  public static boolean matches(String patternList, String address) {
    if (patternList == null || address == null) {
      return false;
    }
    String addr = normalize(address);
    byte[] numeric = IpNetwork.parseAddress(addr);
    boolean allowed = false;
    for (String raw : patternList.split(",", -1)) {
      String pattern = raw.strip();
      boolean negated = pattern.startsWith("!");
      if (negated) {
        pattern = pattern.substring(1);
      }
      if (pattern.isEmpty()) {
        return false;
      }
      boolean match;
      IpNetwork.Parsed parsed = IpNetwork.parse(pattern);
      if (parsed instanceof IpNetwork.Invalid) {
        return false;
      } else if (parsed instanceof IpNetwork.Network n) {
        match = n.network().contains(numeric);
      } else {
        match = Wildcard.matches(pattern.toLowerCase(Locale.ROOT), addr, true);
      }
      if (match) {
        if (negated) {
          return false;
        }
        allowed = true;
      }
    }
    return allowed;
  }

  /** @return the address without surrounding brackets or an IPv6 zone, in lower case */
  static String normalize(String address) {
    String a = address.strip();
    if (a.startsWith("[") && a.endsWith("]")) {
      a = a.substring(1, a.length() - 1);
    }
    int zone = a.indexOf('%');
    if (zone >= 0) {
      a = a.substring(0, zone);
    }
    return a.toLowerCase(Locale.ROOT);
  }
}
