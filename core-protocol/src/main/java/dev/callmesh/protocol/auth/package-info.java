/**
 * Identity and access for callmesh (docs/PROTOCOL.md, "Handshake"; docs/SECURITY.md): {@code ssh-ed25519}
 * keys, SSHSIG signatures for the session handshake, signed-timestamp tokens, and the hub's
 * {@code authorized_keys} file.
 * <p>
 * All Ed25519 arithmetic is the JDK's own; OpenSSH private key files are read with sshj. Nothing here does
 * I/O on an event loop except where a method says it reads or writes a file.
 */
package dev.callmesh.protocol.auth;
