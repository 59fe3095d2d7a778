package dev.callmesh.hub;

import dev.callmesh.protocol.util.HostPort;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * How a hub joins a cluster of hubs: its own member address, the members to join, and the cluster's
 * name. Membership and the shared routing directory come from Hazelcast (TCP-IP join only, no multicast);
 * the calls between hubs travel on Vert.x's clustered event bus, bound to the same host.
 */
public class ClusterOptions {

  /** The cluster name when none is given: {@code callmesh}. */
  public static final String DEFAULT_NAME = "callmesh";

  private HostPort member;
  private List<HostPort> peers = new ArrayList<>();
  private String name = DEFAULT_NAME;

  /** No member address yet: set one with {@link #setMember}. */
  public ClusterOptions() {
  }

  /** A copy of other. */
  public ClusterOptions(ClusterOptions other) {
    this(other.toJson());
  }

  /** From JSON as {@link #toJson()} writes it: {@code member}, {@code peers} (an array or a comma list), {@code name}. */
  public ClusterOptions(JsonObject json) {
    if (json.getString("member") != null) {
      setMember(HostPort.parse(json.getString("member")));
    }
    Object peers = json.getValue("peers");
    if (peers instanceof JsonArray a) {
      setPeers(a.stream().map(p -> HostPort.parse((String) p)).toList());
    } else if (peers instanceof String s) {
      setPeers(parsePeers(s));
    }
    setName(json.getString("name", name));
  }

  /** @return the options as config-file JSON */
  public JsonObject toJson() {
    return new JsonObject()
        .put("member", member == null ? null : member.toString())
        .put("peers", new JsonArray(peers.stream().map(HostPort::toString).toList()))
        .put("name", name);
  }

  /**
   * @param text {@code HOST:PORT,HOST:PORT,...}
   * @return the addresses
   * @throws IllegalArgumentException naming an entry that is not {@code HOST:PORT}
   */
  public static List<HostPort> parsePeers(String text) {
    List<HostPort> out = new ArrayList<>();
    for (String p : text.split(",")) {
      if (!p.isBlank()) {
        out.add(HostPort.parse(p.trim()));
      }
    }
    return out;
  }

  /** @return this hub's member address (Hazelcast's); port 0 picks a free one */
  public HostPort getMember() {
    return member;
  }

  /** @param member this hub's member address; @return this */
  public ClusterOptions setMember(HostPort member) {
    this.member = Objects.requireNonNull(member, "member");
    return this;
  }

  /** @return the members to join (this hub's own address may be among them) */
  public List<HostPort> getPeers() {
    return peers;
  }

  /** @param peers the members to join; @return this */
  public ClusterOptions setPeers(List<HostPort> peers) {
    this.peers = List.copyOf(peers);
    return this;
  }

  /** @return the cluster's name: hubs join only a cluster of the same name */
  public String getName() {
    return name;
  }

  /** @param name 1 to 64 of letters, digits, '.', '_' and '-'; @return this */
  public ClusterOptions setName(String name) {
    if (name == null || !name.matches("[A-Za-z0-9._-]{1,64}")) {
      throw new IllegalArgumentException("a cluster name is 1 to 64 of letters, digits, '.', '_' and '-'");
    }
    this.name = name;
    return this;
  }
}
