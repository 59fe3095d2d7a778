package dev.callmesh.protocol.auth;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** OpenSSH from= pattern lists. */
class AddressPatternsTest {

  @Test
  void exactAndWildcards() {
    assertTrue(AddressPatterns.matches("127.0.0.1", "127.0.0.1"));
    assertFalse(AddressPatterns.matches("127.0.0.1", "127.0.0.2"));
    assertTrue(AddressPatterns.matches("127.0.0.1,10.0.*", "10.0.3.4"));
    assertFalse(AddressPatterns.matches("127.0.0.1,10.0.*", "10.1.3.4"));
    assertTrue(AddressPatterns.matches("10.0.0.?", "10.0.0.7"));
    assertFalse(AddressPatterns.matches("10.0.0.?", "10.0.0.77"));
    assertTrue(AddressPatterns.matches("*", "192.168.1.1"));
    assertFalse(AddressPatterns.matches("127.0.0.1", "127.0.0.10"));
  }

  @Test
  void negationDeniesEvenWhenAnotherPatternMatches() {
    assertFalse(AddressPatterns.matches("10.0.*,!10.0.0.66", "10.0.0.66"));
    assertFalse(AddressPatterns.matches("!10.0.0.66,10.0.*", "10.0.0.66"));
    assertTrue(AddressPatterns.matches("10.0.*,!10.0.0.66", "10.0.0.67"));
    assertFalse(AddressPatterns.matches("!10.0.0.66", "10.0.0.67"), "a negation alone allows nothing");
    assertFalse(AddressPatterns.matches("*,!10.0.0.0/8", "10.200.0.1"));
  }

  @Test
  void cidr() {
    assertTrue(AddressPatterns.matches("10.0.0.0/8", "10.255.1.2"));
    assertFalse(AddressPatterns.matches("10.0.0.0/8", "11.0.0.1"));
    assertTrue(AddressPatterns.matches("127.0.0.0/8", "127.0.0.1"));
    assertTrue(AddressPatterns.matches("192.168.4.0/22", "192.168.7.255"));
    assertFalse(AddressPatterns.matches("192.168.4.0/22", "192.168.8.0"));
    assertTrue(AddressPatterns.matches("0.0.0.0/0", "8.8.8.8"));
    assertTrue(AddressPatterns.matches("2001:db8::/32", "2001:db8:1::5"));
    assertFalse(AddressPatterns.matches("2001:db8::/32", "2001:db9::5"));
    assertFalse(AddressPatterns.matches("10.0.0.0/8", "::1"), "families never mix");
    assertTrue(AddressPatterns.matches("127.0.0.0/8", "::ffff:127.0.0.1"), "IPv4-mapped IPv6 counts as IPv4");
  }

  @Test
  void invalidNetworksOrEmptyPatternsDenyTheWholeList() {
    assertFalse(AddressPatterns.matches("10.0.0.1/8,*", "10.0.0.1"), "host bits set, as OpenSSH refuses");
    assertFalse(AddressPatterns.matches("10.0.0.0/33,*", "10.0.0.1"));
    assertFalse(AddressPatterns.matches("*,", "10.0.0.1"));
    assertFalse(AddressPatterns.matches("!,*", "10.0.0.1"));
    assertFalse(AddressPatterns.matches("", "10.0.0.1"));
    assertFalse(AddressPatterns.matches(null, "10.0.0.1"));
    assertFalse(AddressPatterns.matches("*", null));
  }

  @Test
  void ipv6FormsBracketsAndZones() {
    assertTrue(AddressPatterns.matches("::1", "::1"));
    assertTrue(AddressPatterns.matches("::1", "0:0:0:0:0:0:0:1"), "exact addresses compare numerically");
    assertTrue(AddressPatterns.matches("::1", "[::1]"));
    assertTrue(AddressPatterns.matches("fe80::1", "fe80::1%eth0"));
    assertTrue(AddressPatterns.matches("fe80::*", "FE80::abcd"));
    assertFalse(AddressPatterns.matches("fe80::*", "fe81::1"));
  }

  @Test
  void hostNamesAreNeverResolved() {
    // "localhost" is no address: it is only compared as a string, never looked up.
    assertFalse(AddressPatterns.matches("localhost", "127.0.0.1"));
    assertTrue(AddressPatterns.matches("localhost", "localhost"));
    assertFalse(AddressPatterns.matches("127.0.0.0/8", "localhost"));
  }
}
