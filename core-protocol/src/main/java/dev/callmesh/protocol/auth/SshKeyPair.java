package dev.callmesh.protocol.auth;

import com.hierynomus.sshj.userauth.keyprovider.OpenSSHKeyV1KeyFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.interfaces.EdECPrivateKey;
import java.util.EnumSet;
import net.schmizz.sshj.userauth.password.PasswordFinder;
import net.schmizz.sshj.userauth.password.Resource;

/**
 * An {@code ssh-ed25519} key pair that signs with {@link Ed25519}: loaded from an OpenSSH private key
 * file (through sshj), or freshly generated and written in the format {@code ssh-keygen} uses.
 */
public final class SshKeyPair {

  /** The environment variable the command lines read a key passphrase from. */
  public static final String PASSPHRASE_ENV = "CALLMESH_KEY_PASSPHRASE";

  /** Larger files cannot be a single ed25519 key; refusing them keeps a wrong path from eating memory. */
  private static final long MAX_FILE_BYTES = 64 * 1024;

  private final byte[] seed;
  private final SshPublicKey publicKey;
  /** Made on first use: only an ssh:// login and the hub's JWT key need the JDK's form. */
  private volatile PrivateKey jdkPrivateKey;

  private SshKeyPair(byte[] seed, SshPublicKey publicKey) throws GeneralSecurityException {
    if (seed.length != SshPublicKey.RAW_LENGTH) {
      throw new GeneralSecurityException("an Ed25519 private key seed is 32 bytes, not " + seed.length);
    }
    this.seed = seed.clone();
    this.publicKey = publicKey;
    byte[] probe = "callmesh key check".getBytes(StandardCharsets.UTF_8);
    if (!Ed25519.verify(publicKey, probe, sign(probe))) {
      throw new GeneralSecurityException("the private key does not match its public key");
    }
  }

  /**
   * Reads an OpenSSH ({@code openssh-key-v1}) ed25519 private key file, decrypting it when needed.
   *
   * @param privateKeyFile the private key file, as written by {@code ssh-keygen -t ed25519}
   * @param passphraseOrNull the passphrase of an encrypted key, or null
   * @return the key pair
   * @throws IOException when the file cannot be read, is not an ssh-ed25519 key in OpenSSH format, is
   *     encrypted and no passphrase was given, or cannot be decrypted; the message says what to do
   */
  public static SshKeyPair load(Path privateKeyFile, char[] passphraseOrNull) throws IOException {
    if (Files.size(privateKeyFile) > MAX_FILE_BYTES) {
      throw new IOException(privateKeyFile + " is too large to be an ssh-ed25519 private key");
    }
    String text = Files.readString(privateKeyFile, StandardCharsets.UTF_8);
    OpenSshKeyFile.Header header;
    try {
      header = OpenSshKeyFile.readHeader(text);
    } catch (IllegalArgumentException e) {
      throw new IOException(privateKeyFile + " is not an OpenSSH private key (" + e.getMessage()
          + "); create one with: ssh-keygen -t ed25519 -f " + privateKeyFile);
    }
    if (!SshPublicKey.KEY_TYPE.equals(header.keyType())) {
      throw new IOException(privateKeyFile + " holds a " + SshPublicKey.printable(header.keyType())
          + " key, but only ssh-ed25519 is supported; create one with: ssh-keygen -t ed25519");
    }
    if (header.encrypted() && (passphraseOrNull == null || passphraseOrNull.length == 0)) {
      throw new IOException(privateKeyFile + " is encrypted: set the environment variable "
          + PASSPHRASE_ENV + " to its passphrase");
    }
    PrivateKey sshjPrivate;
    try {
      useJdkProvidersOnly();
      OpenSSHKeyV1KeyFile file = new OpenSSHKeyV1KeyFile();
      file.init(text, null, passwordFinder(passphraseOrNull));
      sshjPrivate = file.getPrivate();
    } catch (IOException | RuntimeException e) {
      String hint = header.encrypted()
          ? "; check the passphrase in " + PASSPHRASE_ENV
          : "; regenerate it with: ssh-keygen -t ed25519";
      throw new IOException("cannot read the private key " + privateKeyFile + hint, e);
    }
    // sshj may hand back a Bouncy Castle or a JDK key: keep only the seed.
    byte[] seed = JdkEd25519.seedFromPrivate(sshjPrivate);
    if (seed == null) {
      throw new IOException("cannot read the private key " + privateKeyFile
          + ": the Ed25519 private key could not be extracted");
    }
    try {
      // The public key comes from the key file itself (not a neighbouring .pub); the constructor checks
      // that the private key matches it.
      return new SshKeyPair(seed, SshPublicKey.fromWireBlob(header.publicBlob()));
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new IOException(privateKeyFile + " is corrupt (" + e.getMessage()
          + "); regenerate it with: ssh-keygen -t ed25519", e);
    } finally {
      java.util.Arrays.fill(seed, (byte) 0);
    }
  }

  /** @return a new random key pair from the JDK's generator */
  public static SshKeyPair generate() {
    try {
      KeyPair pair = JdkEd25519.keyPairGenerator().generateKeyPair();
      byte[] seed = ((EdECPrivateKey) pair.getPrivate()).getBytes()
          .orElseThrow(() -> new IllegalStateException("the JDK did not expose the new key's seed"));
      return new SshKeyPair(seed, SshPublicKey.fromJdk(pair.getPublic()));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK cannot generate Ed25519 keys", e);
    }
  }

  /** @return the public half */
  public SshPublicKey publicKey() {
    return publicKey;
  }

  /**
   * @return the private key as PEM ({@code -----BEGIN PRIVATE KEY-----}, PKCS#8), as JOSE libraries read
   *     it to sign tokens; keep it out of logs
   */
  public String privateKeyPem() {
    return pem("PRIVATE KEY", jdkPrivateKey().getEncoded());
  }

  /** @return the public key as PEM ({@code -----BEGIN PUBLIC KEY-----}, X.509 SubjectPublicKeyInfo) */
  public String publicKeyPem() {
    return pem("PUBLIC KEY", publicKey.jdkKey().getEncoded());
  }

  private static String pem(String label, byte[] der) {
    return "-----BEGIN " + label + "-----\n"
        + java.util.Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END " + label + "-----\n";
  }

  /**
   * The private half as a JDK ({@code SunEC}) key, for an SSH client's public-key login (the
   * {@code ssh://} hub URL); callmesh itself signs through {@link #sign(byte[])}. Never log or store it.
   *
   * @return the JDK private key
   */
  public PrivateKey jdkPrivateKey() {
    PrivateKey k = jdkPrivateKey;
    if (k == null) {
      try {
        k = JdkEd25519.privateFromSeed(seed);
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("the JDK does not accept this Ed25519 private key", e);
      }
      jdkPrivateKey = k;
    }
    return k;
  }

  /**
   * @param message the bytes to sign
   * @return the raw 64-byte Ed25519 signature (RFC 8032, deterministic)
   */
  public byte[] sign(byte[] message) {
    return Ed25519.sign(seed, publicKey.rawView(), message);
  }

  /**
   * Writes the key as {@code ssh-keygen} would: an unencrypted openssh-key-v1 private key file with
   * permissions 0600 (where the file system has POSIX permissions), and {@code privateFile + ".pub"}
   * holding {@code ssh-ed25519 AAAA... comment} and a newline.
   *
   * @param privateFile where to write the private key; it and its .pub must not exist yet
   * @param comment the key comment (for example {@code user@host}); null for none
   * @throws FileAlreadyExistsException when either file exists; nothing is written then
   * @throws IOException when writing fails
   */
  public void writeOpenSsh(Path privateFile, String comment) throws IOException {
    Path pubFile = privateFile.resolveSibling(privateFile.getFileName() + ".pub");
    for (Path p : new Path[] {privateFile, pubFile}) {
      if (Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
        throw new FileAlreadyExistsException(p.toString(), null, "refusing to overwrite an existing key file");
      }
    }
    String c = comment == null ? "" : comment.strip();
    writeNew(privateFile, OpenSshKeyFile.encode(seed, publicKey, c), true);
    try {
      writeNew(pubFile, publicKey.toOpenSsh(c) + "\n", false);
    } catch (IOException e) {
      Files.deleteIfExists(privateFile);
      throw e;
    }
  }

  private static void writeNew(Path file, String content, boolean secret) throws IOException {
    EnumSet<StandardOpenOption> opts = EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    boolean posix = Files.getFileStore(file.toAbsolutePath().getParent())
        .supportsFileAttributeView("posix");
    String mode = secret ? "rw-------" : "rw-r--r--";
    try (SeekableByteChannel ch = posix
        ? Files.newByteChannel(file, opts, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(mode)))
        : Files.newByteChannel(file, opts)) {
      ByteBuffer buf = ByteBuffer.wrap(content.getBytes(StandardCharsets.UTF_8));
      while (buf.hasRemaining()) {
        ch.write(buf);
      }
    }
    if (posix) {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
    }
  }

  private static PasswordFinder passwordFinder(char[] passphrase) {
    return new PasswordFinder() {
      @Override
      public char[] reqPassword(Resource<?> resource) {
        return passphrase == null ? null : passphrase.clone();
      }

      @Override
      public boolean shouldRetry(Resource<?> resource) {
        return false;
      }
    };
  }

  /** @return the public key's description; never any private material */
  @Override
  public String toString() {
    return "SshKeyPair[" + publicKey + "]";
  }

  /**
   * sshj registers Bouncy Castle as a JCA provider on first use unless told not to. callmesh needs only
   * the JDK's algorithms (Ed25519 keys; for ssh:// hub URLs, the JDK's ciphers and key exchanges), and the
   * registration costs a spoke about 7 MiB of memory and 80 ms of start-up (docs/PERFORMANCE.md).
   */
  public static void useJdkProvidersOnly() {
    net.schmizz.sshj.common.SecurityUtils.setRegisterBouncyCastle(false);
  }
}
