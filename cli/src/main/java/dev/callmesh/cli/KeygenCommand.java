package dev.callmesh.cli;

import dev.callmesh.protocol.auth.SshKeyPair;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code callmesh keygen FILE [--comment C]}. */
@Command(name = "keygen", mixinStandardHelpOptions = true,
    description = {"Makes an OpenSSH ed25519 key pair: FILE (private, mode 0600) and FILE.pub.",
        "Both are the same format ssh-keygen writes; add the .pub line to the hub's authorized_keys."})
final class KeygenCommand implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "FILE", description = "Where to write the private key")
  Path file;

  @Option(names = "--comment", paramLabel = "C", description = "Key comment (default user@host)")
  String comment;

  @Override
  public Integer call() throws Exception {
    String c = comment != null ? comment : System.getProperty("user.name") + "@" + host();
    SshKeyPair pair = SshKeyPair.generate();
    try {
      pair.writeOpenSsh(file, c);
    } catch (FileAlreadyExistsException e) {
      System.err.println("callmesh keygen: " + e.getFile() + " already exists; not overwriting it");
      return Output.FAILED;
    }
    System.out.println("wrote " + file + " and " + file + ".pub (" + pair.publicKey().fingerprint() + ")");
    System.out.println("let it in by adding this line to the hub's authorized_keys, with the options it needs:");
    System.out.println("  name=\"" + c.replace("\"", "") + "\",allow=\"/services/*\" " + pair.publicKey().toOpenSsh(c));
    return 0;
  }

  private static String host() {
    try {
      return java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.io.IOException e) {
      return "localhost";
    }
  }
}
