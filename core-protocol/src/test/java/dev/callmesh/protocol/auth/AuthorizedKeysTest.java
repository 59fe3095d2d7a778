package dev.callmesh.protocol.auth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Parsing the hub's authorized_keys (README.md, "Running a hub and spokes with your own keys"). */
class AuthorizedKeysTest {

  private final SshPublicKey alice = SshKeyPair.generate().publicKey();
  private final SshPublicKey bob = SshKeyPair.generate().publicKey();
  private final SshPublicKey carol = SshKeyPair.generate().publicKey();
  private final List<String> warnings = new ArrayList<>();

  @TempDir
  Path dir;

  @Test
  void quotedOptionsWithCommasCommentsAndDefaults() {
    String text = String.join("\n",
        "# the hub's keys",
        "",
        "name=\"alice\",spoke=\"dev1,dev*\",allow=\"/dev1/*,/*/fs/read*\",from=\"127.0.0.1,10.0.*\" "
            + alice.toOpenSsh("alice@laptop"),
        "   # indented comment",
        bob.toOpenSsh("bob@desk"),
        carol.toOpenSsh(null),
        "");

    AuthorizedKeys keys = AuthorizedKeys.parse(text, warnings::add);

    assertEquals(List.of(), warnings);
    assertEquals(3, keys.size());
    AuthorizedKey a = keys.find(alice).orElseThrow();
    assertEquals("alice", a.id());
    assertEquals(List.of("dev1", "dev*"), a.spokePatterns());
    assertEquals(List.of("/dev1/*", "/*/fs/read*"), a.allow());
    assertEquals("127.0.0.1,10.0.*", a.fromPatterns());
    assertEquals(3, a.line());
    assertTrue(a.maySpoke("dev1") && a.maySpoke("dev-laptop"));
    assertFalse(a.maySpoke("prod"));
    assertTrue(a.mayCall("/dev1/shell/exec") && a.mayCall("/dev2/fs/readFile") && a.mayCall("/services/list"));
    assertFalse(a.mayCall("/dev2/fs/writeFile"));
    assertTrue(a.mayConnectFrom("10.0.9.9") && a.mayConnectFrom("127.0.0.1"));
    assertFalse(a.mayConnectFrom("192.168.0.1"));

    AuthorizedKey b = keys.find(bob).orElseThrow();
    assertEquals("bob@desk", b.id(), "the comment is the default id");
    assertEquals(List.of(), b.spokePatterns());
    assertFalse(b.maySpoke("dev1"), "no spoke= means no spoke");
    assertTrue(b.mayCall("/services/list"));
    assertTrue(b.mayCall("/services/schema"));
    assertFalse(b.mayCall("/dev1/fs/readFile"), "no allow= means only /services/*");
    assertFalse(b.mayCall("/hub/spokes/list"));
    assertNull(b.fromPatterns());
    assertTrue(b.mayConnectFrom("203.0.113.9"));

    assertEquals(carol.fingerprint(), keys.find(carol).orElseThrow().id(), "else the fingerprint");
    assertEquals(List.of(alice, bob, carol), keys.keys().stream().map(AuthorizedKey::key).toList());
  }

  @Test
  void escapedQuotesAndOtherOpenSshOptions() {
    String text = "no-pty,command=\"echo \\\"hi, there\\\"\",NAME=\"al \\\"the\\\" ice\",no-agent-forwarding "
        + alice.toOpenSsh("c") + "\n"
        + "restrict,allow=\"/x/*\" " + bob.toOpenSsh("b");

    AuthorizedKeys keys = AuthorizedKeys.parse(text, warnings::add);

    assertEquals(List.of(), warnings);
    assertEquals("al \"the\" ice", keys.find(alice).orElseThrow().id());
    assertEquals(List.of("/x/*"), keys.find(bob).orElseThrow().allow());
  }

  @Test
  void labelsPinnedForAKeyAndABadLabelSkipsTheLineNamingIt() {
    String text = "name=\"alice\",spoke=\"ci-*\",labels=\"role=ci, region=eu\" " + alice.toOpenSsh("a") + "\n"
        + "labels=\"role=ci,bad key=x\" " + bob.toOpenSsh("b") + "\n"
        + carol.toOpenSsh("c");

    AuthorizedKeys keys = AuthorizedKeys.parse(text, warnings::add);

    assertEquals(java.util.Map.of("role", "ci", "region", "eu"), keys.find(alice).orElseThrow().labels());
    assertTrue(keys.find(bob).isEmpty(), "a line with a bad label must not be used");
    assertEquals(1, warnings.size(), warnings.toString());
    assertTrue(warnings.get(0).contains("bad key"), warnings.get(0));
    assertEquals(java.util.Map.of(), keys.find(carol).orElseThrow().labels());
  }

  @Test
  void otherKeyTypesAndBrokenLinesAreSkippedWithWarnings() throws Exception {
    Path rsa = SshKeygen.generate(dir, "rsa", "rsa", null);
    String rsaLine = Files.readString(Path.of(rsa + ".pub")).strip();
    String text = String.join("\n",
        alice.toOpenSsh("a"),
        "# comment",
        rsaLine,
        "from=\"10.0.0.1\" " + rsaLine,
        "ecdsa-sha2-nistp256 AAAAE2VjZHNh x",
        "ssh-ed25519 !!!notbase64 x",
        "name=\"unterminated " + bob.toOpenSsh("b"),
        "name=unquoted " + bob.toOpenSsh("b"),
        "cert-authority " + bob.toOpenSsh("b"),
        "spoke=\"a\",spoke=\"b\" " + bob.toOpenSsh("b"),
        "name=\"again\" " + alice.toOpenSsh("dup"),
        "justoneword",
        carol.toOpenSsh("c"));

    AuthorizedKeys keys = AuthorizedKeys.parse(text, warnings::add);

    assertEquals(2, keys.size());
    assertEquals("a", keys.find(alice).orElseThrow().id(), "the first line with a key wins");
    assertEquals("authorized_keys line 3: skipped ssh-rsa key: only ssh-ed25519 is supported", warnings.get(0));
    assertTrue(warnings.get(1).startsWith("authorized_keys line 4: skipped ssh-rsa key"), warnings.get(1));
    assertTrue(warnings.get(2).startsWith("authorized_keys line 5: skipped ecdsa-sha2-nistp256 key"), warnings.get(2));
    for (int line = 6; line <= 12; line++) {
      String w = warnings.get(line - 3);
      assertTrue(w.startsWith("authorized_keys line " + line + ": skipped"), w);
    }
    assertTrue(warnings.get(8).contains("line 1"), "the duplicate warning names the line that counts");
    assertEquals(10, warnings.size());
    assertTrue(keys.find(bob).isEmpty());
  }

  @Test
  void findByKeyIdAndLoadFromFile() throws Exception {
    Path file = Files.writeString(dir.resolve("authorized_keys"),
        "name=\"alice\" " + alice.toOpenSsh(null) + "\r\n" + bob.toOpenSsh("bob") + "\r\n");

    AuthorizedKeys keys = AuthorizedKeys.load(file, warnings::add);

    assertEquals(List.of(), warnings);
    assertEquals("alice", keys.findByKeyId(alice.keyId()).orElseThrow().id());
    assertEquals("bob", keys.findByKeyId(bob.keyId()).orElseThrow().id());
    assertTrue(keys.findByKeyId(carol.keyId()).isEmpty());
    assertTrue(keys.findByKeyId(new byte[31]).isEmpty());
    assertTrue(keys.findByKeyId(null).isEmpty());
    assertTrue(keys.find(carol).isEmpty());
    assertArrayEquals(alice.keyId(), keys.keys().get(0).key().keyId());
  }

  @Test
  void sshKeygenPublicKeyFileParsesAsIs() throws Exception {
    Path key = SshKeygen.generate(dir, "id", null);
    String line = Files.readString(Path.of(key + ".pub"));

    AuthorizedKeys keys = AuthorizedKeys.parse("spoke=\"dev1\" " + line, warnings::add);

    AuthorizedKey k = keys.keys().get(0);
    assertEquals("test", k.id());
    assertEquals(SshPublicKey.parseOpenSsh(line), k.key());
    assertTrue(k.maySpoke("dev1"));
  }

  @Test
  void emptyTextHasNoKeys() {
    assertEquals(0, AuthorizedKeys.parse("", warnings::add).size());
    assertEquals(0, AuthorizedKeys.parse("\n# only a comment\n\n", warnings::add).size());
    assertEquals(List.of(), warnings);
  }
}
