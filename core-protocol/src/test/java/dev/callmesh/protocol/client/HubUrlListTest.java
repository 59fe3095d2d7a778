package dev.callmesh.protocol.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link HubUrl#parseList(String)} and the hub URL list of {@link ConnectOptions}: the order is kept, one URL
 * is a list of one, and a bad entry is named by its position and text.
 */
class HubUrlListTest {

  @Test
  void aCommaSeparatedListKeepsItsOrderAndIgnoresSpaces() {
    List<HubUrl> urls = HubUrl.parseList("tcp://a:7400, ws://b:7480/v1/ws ,tls://c:7401,d:7402");
    assertEquals(List.of("tcp://a:7400", "ws://b:7480/v1/ws", "tls://c:7401", "tcp://d:7402"),
        urls.stream().map(HubUrl::toString).toList());
    assertEquals("tcp://a:7400,ws://b:7480/v1/ws,tls://c:7401,tcp://d:7402", HubUrl.format(urls));
    assertEquals(urls, HubUrl.parseList(HubUrl.format(urls)), "format is read back by parseList");
  }

  @Test
  void oneUrlIsAListOfOne() {
    assertEquals(List.of(HubUrl.parse("tcp://127.0.0.1:7400")), HubUrl.parseList("tcp://127.0.0.1:7400"));
    assertEquals(List.of(HubUrl.parse("ssh://me@bastion/hub:7400")), HubUrl.parseList("ssh://me@bastion/hub:7400"));
  }

  @Test
  void aBadEntryIsNamedByItsPositionAndText() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> HubUrl.parseList("tcp://a:7400,ftp://b:21,tcp://c:7400"));
    assertTrue(e.getMessage().contains("hub URL 2 of 3"), e.getMessage());
    assertTrue(e.getMessage().contains("'ftp://b:21'"), e.getMessage());
    assertTrue(e.getMessage().contains("unknown hub URL scheme 'ftp'"), e.getMessage());

    IllegalArgumentException empty = assertThrows(IllegalArgumentException.class,
        () -> HubUrl.parseList("tcp://a:7400,,tcp://c:7400"));
    assertTrue(empty.getMessage().contains("hub URL 2 of 3") && empty.getMessage().contains("is empty"),
        empty.getMessage());
    IllegalArgumentException trailing = assertThrows(IllegalArgumentException.class,
        () -> HubUrl.parseList("tcp://a:7400,"));
    assertTrue(trailing.getMessage().contains("hub URL 2 of 2"), trailing.getMessage());
    assertThrows(IllegalArgumentException.class, () -> HubUrl.parseList(" "));
    assertThrows(IllegalArgumentException.class, () -> HubUrl.parseList(null));
  }

  @Test
  void connectOptionsHoldAListAndSetHubUrlMakesItAListOfOne() {
    ConnectOptions o = new ConnectOptions();
    assertEquals(List.of(HubUrl.parse("tcp://127.0.0.1:7400")), o.getHubUrls(), "the default is one URL");
    List<HubUrl> two = new ArrayList<>(HubUrl.parseList("tcp://a:1,tcp://b:2"));
    o.setHubUrls(two);
    two.clear();
    assertEquals(HubUrl.parseList("tcp://a:1,tcp://b:2"), o.getHubUrls(), "the list is copied");
    assertEquals(HubUrl.parse("tcp://a:1"), o.getHubUrl(), "the single URL is the first");
    o.setHubUrl(HubUrl.parse("tcp://c:3"));
    assertEquals(List.of(HubUrl.parse("tcp://c:3")), o.getHubUrls());
    assertThrows(IllegalArgumentException.class, () -> o.setHubUrls(List.of()));
    assertThrows(IllegalArgumentException.class, () -> o.setHubUrls(null));
    assertThrows(IllegalArgumentException.class, () -> o.setHubUrls(Arrays.asList(HubUrl.parse("tcp://a:1"), null)));
    assertEquals(List.of(HubUrl.parse("tcp://c:3")), o.getHubUrls(), "a refused list changes nothing");
  }
}
