package dev.callmesh.protocol.auth;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * The {@code openssh-key-v1} private key format (OpenSSH PROTOCOL.key), for what sshj does not cover:
 * writing an unencrypted ed25519 key exactly as {@code ssh-keygen} does, and reading the unencrypted
 * header of any key file to give a clear message before decryption is attempted.
 * <pre>
 *   "openssh-key-v1\0"  string cipher  string kdf  string kdfoptions  uint32 n=1
 *   string publickey    string private section:
 *     uint32 check  uint32 check  string "ssh-ed25519"  string pub[32]  string seed[32]‖pub[32]
 *     string comment    padding 1, 2, 3, ... up to a multiple of 8
 * </pre>
 */
final class OpenSshKeyFile {

  static final String LABEL = "OPENSSH PRIVATE KEY";
  private static final byte[] MAGIC = "openssh-key-v1\0".getBytes(StandardCharsets.US_ASCII);
  private static final int BLOCK_SIZE = 8;

  /** What a key file says about itself without decryption. */
  record Header(String cipher, String kdf, String keyType, byte[] publicBlob) {
    boolean encrypted() {
      return !"none".equals(cipher);
    }
  }

  private OpenSshKeyFile() {
  }

  /**
   * @param text the content of a private key file
   * @return its unencrypted header
   * @throws IllegalArgumentException when it is not an openssh-key-v1 file
   */
  static Header readHeader(String text) {
    byte[] data = Armor.unwrap(LABEL, text, false);
    if (data.length < MAGIC.length || !Arrays.equals(data, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
      throw new IllegalArgumentException("not an openssh-key-v1 key");
    }
    SshWire.Reader r = new SshWire.Reader(data, MAGIC.length);
    String cipher = r.readUtf8();
    String kdf = r.readUtf8();
    r.readString();
    long n = r.readUint32();
    if (n != 1) {
      throw new IllegalArgumentException("the file holds " + n + " keys; expected exactly one");
    }
    byte[] publicBlob = r.readString();
    String keyType = new SshWire.Reader(publicBlob).readUtf8();
    return new Header(cipher, kdf, keyType, publicBlob);
  }

  /**
   * @return the armored, unencrypted private key file text for an ed25519 key, with random check ints
   */
  static String encode(byte[] seed, SshPublicKey publicKey, String comment) {
    byte[] pub = publicKey.raw();
    byte[] secret = Arrays.copyOf(seed, 64);
    System.arraycopy(pub, 0, secret, 32, 32);
    int check = new SecureRandom().nextInt();
    SshWire.Writer priv = new SshWire.Writer()
        .uint32(check).uint32(check)
        .string(SshPublicKey.KEY_TYPE)
        .string(pub)
        .string(secret)
        .string(comment == null ? "" : comment);
    for (int pad = 1; priv.size() % BLOCK_SIZE != 0; pad++) {
      priv.raw(pad);
    }
    byte[] privBytes = priv.toByteArray();
    byte[] file = new SshWire.Writer()
        .raw(MAGIC)
        .string("none")
        .string("none")
        .string(new byte[0])
        .uint32(1)
        .string(publicKey.wireBlob())
        .string(privBytes)
        .toByteArray();
    Arrays.fill(secret, (byte) 0);
    Arrays.fill(privBytes, (byte) 0);
    return Armor.wrap(LABEL, file);
  }
}
