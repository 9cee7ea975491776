package io.oobwatch.watchdog.cluster;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.security.MessageDigest;
import org.jgroups.Message;
import org.jgroups.auth.AuthToken;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a member joining the cluster proves to AUTH: a MAC of the cluster's name under a key derived
 * from the shared secret file. The encryption underneath (SYM_ENCRYPT, keyed from the same file)
 * already rejects a stranger's join request it cannot read; this is the second check, for a member
 * that somehow holds the encryption key of another cluster name or secret, and it says so in the log.
 *
 * <p>Public with a no-argument constructor because JGroups rebuilds the joining member's token from
 * the wire by its class name; that copy carries only the MAC.
 */
public final class SecretToken extends AuthToken {
  private static final Logger log = LoggerFactory.getLogger(SecretToken.class);
  private byte[] mac = new byte[0];

  /** For JGroups, which reads the joining member's token into it. */
  public SecretToken() {}

  SecretToken(byte[] mac) {
    this.mac = mac.clone();
  }

  @Override
  public String getName() {
    return SecretToken.class.getName();
  }

  @Override
  public int size() {
    return Integer.BYTES + mac.length;
  }

  @Override
  public boolean authenticate(AuthToken token, Message msg) {
    boolean ok = token instanceof SecretToken other && mac.length > 0 && MessageDigest.isEqual(mac, other.mac);
    if (!ok) {
      log.error("CLUSTER REFUSED the join of {}: it does not hold this cluster's secret; a member needs the same"
          + " cluster.secret_file and cluster.name as the others", msg.getSrc());
    }
    return ok;
  }

  @Override
  public void writeTo(DataOutput out) throws IOException {
    out.writeInt(mac.length);
    out.write(mac);
  }

  @Override
  public void readFrom(DataInput in) throws IOException {
    int n = in.readInt();
    if (n < 0 || n > 64) {
      throw new IOException("not an oobwatch cluster token (" + n + " bytes)");
    }
    mac = new byte[n];
    in.readFully(mac);
  }
}
