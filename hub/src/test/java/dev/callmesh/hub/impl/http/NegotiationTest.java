package dev.callmesh.hub.impl.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/** Accept and Content-Type: which the API answers in and reads, and which are 406 and 415. */
class NegotiationTest {

  @Test
  void jsonIsAnsweredUnlessMessagePackIsPreferred() {
    assertEquals(BodyFormat.JSON, Negotiation.answer(null));
    assertEquals(BodyFormat.JSON, Negotiation.answer(""));
    assertEquals(BodyFormat.JSON, Negotiation.answer("application/json"));
    assertEquals(BodyFormat.JSON, Negotiation.answer("*/*"));
    assertEquals(BodyFormat.JSON, Negotiation.answer("application/*"));
    assertEquals(BodyFormat.JSON, Negotiation.answer("text/event-stream"));
    assertEquals(BodyFormat.JSON, Negotiation.answer("application/json-rpc"));
    assertEquals(BodyFormat.JSON, Negotiation.answer("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"),
        "a browser's Accept");
    assertEquals(BodyFormat.MSGPACK, Negotiation.answer("application/msgpack"));
    assertEquals(BodyFormat.MSGPACK, Negotiation.answer("application/x-msgpack"));
    assertEquals(BodyFormat.MSGPACK, Negotiation.answer("application/vnd.msgpack"));
    assertEquals(BodyFormat.MSGPACK, Negotiation.answer("application/msgpack, */*"), "named beats a wildcard");
    assertEquals(BodyFormat.MSGPACK, Negotiation.answer("application/json;q=0.5, application/msgpack"));
    assertEquals(BodyFormat.JSON, Negotiation.answer("application/json, application/msgpack"), "a tie goes to JSON");
    assertEquals(BodyFormat.JSON, Negotiation.answer("application/msgpack;q=0.4, application/json;q=0.9"));
    assertEquals(BodyFormat.MSGPACK, Negotiation.answer("APPLICATION/MSGPACK ; Q=1"), "case does not matter");
  }

  @Test
  void anAcceptThatAllowsNothingTheApiProducesIs406() {
    assertNull(Negotiation.answer("text/html"));
    assertNull(Negotiation.answer("application/xml, image/png"));
    assertNull(Negotiation.answer("application/json;q=0"));
    assertNull(Negotiation.answer("*/*;q=0"));
    assertNull(Negotiation.answer("application/json;q=bogus"));
  }

  @Test
  void bodiesAreJsonOrMessagePackAndAnythingElseIs415() {
    assertEquals(BodyFormat.JSON, Negotiation.body(null));
    assertEquals(BodyFormat.JSON, Negotiation.body("application/json"));
    assertEquals(BodyFormat.JSON, Negotiation.body("application/json; charset=utf-8"));
    assertEquals(BodyFormat.JSON, Negotiation.body("application/merge-patch+json"));
    assertEquals(BodyFormat.JSON, Negotiation.body("application/json-rpc"), "what some JSON-RPC clients send");
    assertEquals(BodyFormat.JSON, Negotiation.body("application/x-www-form-urlencoded"), "curl -d's default");
    assertEquals(BodyFormat.JSON, Negotiation.body("text/plain;charset=UTF-8"), "fetch's default for a string");
    assertEquals(BodyFormat.MSGPACK, Negotiation.body("application/msgpack"));
    assertEquals(BodyFormat.MSGPACK, Negotiation.body("application/x-msgpack"));
    assertNull(Negotiation.body("application/xml"));
    assertNull(Negotiation.body("multipart/form-data; boundary=x"));
    assertNull(Negotiation.body("image/png"));
  }
}
