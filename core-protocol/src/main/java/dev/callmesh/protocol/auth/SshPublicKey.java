package dev.callmesh.protocol.auth;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.util.Arrays;
import java.util.Base64;

/**
 * An immutable {@code ssh-ed25519} public key, in the forms OpenSSH and the JDK use. Two keys are equal
 * when their SSH wire-format blobs are equal.
 */
public final class SshPublicKey {

  /** The only key type callmesh accepts. */
  public static final String KEY_TYPE = "ssh-ed25519";

  /** Length of a raw Ed25519 public key. */
  public static final int RAW_LENGTH = 32;

  private final byte[] raw;
  private final byte[] blob;
  /** Made on first use: only an ssh:// login and the hub's JWT key need the JDK's form. */
  private volatile PublicKey jdkKey;

  private SshPublicKey(byte[] raw) {
    this.raw = raw.clone();
    this.blob = new SshWire.Writer().string(KEY_TYPE).string(raw).toByteArray();
  }

  /**
   * @param blob SSH wire format: string "ssh-ed25519", string key (32 bytes), nothing after
   * @return the key
   * @throws IllegalArgumentException for any other key type, a wrong length or trailing bytes
   */
  public static SshPublicKey fromWireBlob(byte[] blob) {
    if (blob == null) {
      throw new IllegalArgumentException("no public key blob");
    }
    SshWire.Reader r = new SshWire.Reader(blob);
    String type = r.readUtf8();
    if (!KEY_TYPE.equals(type)) {
      throw new IllegalArgumentException("only ssh-ed25519 keys are supported, not " + printable(type));
    }
    byte[] key = r.readString();
    r.requireEnd();
    return fromRaw(key);
  }

  /**
   * @param raw32 the 32-byte Ed25519 public key (the encoded point of RFC 8032)
   * @return the key
   * @throws IllegalArgumentException when the array is not 32 bytes
   */
  public static SshPublicKey fromRaw(byte[] raw32) {
    if (raw32 == null || raw32.length != RAW_LENGTH) {
      throw new IllegalArgumentException("an Ed25519 public key is 32 bytes");
    }
    return new SshPublicKey(raw32);
  }

  /**
   * @param key an Ed25519 public key from any provider (its X.509 encoding is read)
   * @return the key
   * @throws IllegalArgumentException when it is not an Ed25519 key
   */
  public static SshPublicKey fromJdk(PublicKey key) {
    byte[] raw = JdkEd25519.rawFromPublic(key);
    if (raw == null) {
      throw new IllegalArgumentException("not an Ed25519 public key: "
          + (key == null ? "null" : key.getAlgorithm()));
    }
    return new SshPublicKey(raw);
  }

  /**
   * @param line one OpenSSH public key line, {@code ssh-ed25519 AAAA... [comment]} (as in a {@code .pub}
   *     file; no options)
   * @return the key; the comment is dropped
   * @throws IllegalArgumentException when the line is not an ssh-ed25519 key or the base64 and the type
   *     disagree
   */
  public static SshPublicKey parseOpenSsh(String line) {
    if (line == null) {
      throw new IllegalArgumentException("no public key line");
    }
    String[] parts = line.strip().split("\\s+", 3);
    if (parts.length < 2) {
      throw new IllegalArgumentException("expected \"ssh-ed25519 AAAA... [comment]\"");
    }
    if (!KEY_TYPE.equals(parts[0])) {
      throw new IllegalArgumentException("only ssh-ed25519 keys are supported, not " + printable(parts[0]));
    }
    byte[] blob;
    try {
      blob = Base64.getDecoder().decode(parts[1]);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("the key is not valid base64");
    }
    return fromWireBlob(blob);
  }

  /** @return a copy of the SSH wire-format blob: string "ssh-ed25519", string key */
  public byte[] wireBlob() {
    return blob.clone();
  }

  /** @return a copy of the raw 32-byte key */
  public byte[] raw() {
    return raw.clone();
  }

  /** @return the raw key itself, not a copy: for verification in this package, never to be changed */
  byte[] rawView() {
    return raw;
  }

  /**
   * @return the key as a JDK ({@code SunEC}) public key, for APIs that take JCA keys (an SSH client, a
   *     JOSE library); callmesh verifies with {@link Ed25519#verify}
   */
  public PublicKey jdkKey() {
    PublicKey k = jdkKey;
    if (k == null) {
      try {
        k = JdkEd25519.publicFromRaw(raw);
      } catch (GeneralSecurityException e) {
        // The JDK's key factory takes any 32 bytes; its Signature checks the point.
        throw new IllegalStateException("the JDK does not accept this Ed25519 public key: " + e.getMessage(), e);
      }
      jdkKey = k;
    }
    return k;
  }

  /** @return the SHA-256 of the wire blob (32 bytes): the key id of signed-timestamp tokens (docs/PROTOCOL.md, "Handshake") */
  public byte[] keyId() {
    try {
      return MessageDigest.getInstance("SHA-256").digest(blob);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }

  /** @return {@code SHA256:} and the unpadded base64 of {@link #keyId()}, exactly as {@code ssh-keygen -l} */
  public String fingerprint() {
    return "SHA256:" + Base64.getEncoder().withoutPadding().encodeToString(keyId());
  }

  /**
   * @param commentOrNull a comment to append, or null/blank for none
   * @return the OpenSSH public key line {@code ssh-ed25519 AAAA... comment}, without a newline
   */
  public String toOpenSsh(String commentOrNull) {
    String line = KEY_TYPE + " " + Base64.getEncoder().encodeToString(blob);
    return commentOrNull == null || commentOrNull.isBlank() ? line : line + " " + commentOrNull.strip();
  }

  /** @return whether the other object is an SshPublicKey with the same wire blob */
  @Override
  public boolean equals(Object o) {
    return o instanceof SshPublicKey other && Arrays.equals(blob, other.blob);
  }

  /** @return a hash of the wire blob, consistent with {@link #equals} */
  @Override
  public int hashCode() {
    return Arrays.hashCode(blob);
  }

  /** @return the key type and fingerprint, for logs */
  @Override
  public String toString() {
    return KEY_TYPE + " " + fingerprint();
  }

  /** @return the text, shortened and stripped of control characters, safe to put in a message */
  static String printable(String s) {
    if (s == null) {
      return "(none)";
    }
    String cut = s.length() > 40 ? s.substring(0, 40) + "..." : s;
    StringBuilder b = new StringBuilder("\"");
    cut.codePoints().forEach(c -> b.appendCodePoint(Character.isISOControl(c) ? '?' : c));
    return b.append('"').toString();
  }

  static String utf8(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }
}
