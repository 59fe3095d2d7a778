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
        "Both are the same format ssh-keygen writes. It prints the line to add to the hub's",
        "authorized_keys, naming the identity after FILE: name=\"FILE\",allow=\"/dev1/*,/hub/*\" ssh-ed25519 ...",
        "(allow= lists the operations it may call; spoke= the spoke names it may serve as)."},
    footer = {"", "Example:", "  callmesh keygen alice     # writes alice and alice.pub; use it with --key alice"})
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
    String name = file.getFileName().toString().replace("\"", "");
    System.out.println("let it in by adding this line to the hub's authorized_keys:");
    System.out.println("  name=\"" + name + "\",allow=\"/dev1/*,/hub/*\" " + pair.publicKey().toOpenSsh(c));
    System.out.println("allow=\"...\" lists the operations it may call (* matches anything; without allow=, only"
        + " /services/*);");
    System.out.println("add spoke=\"NAME\" to let it serve as spoke NAME, from=\"ADDRESSES\" to limit where it"
        + " connects from (README: \"Running a hub and spokes with your own keys\").");
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
