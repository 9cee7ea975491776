package io.oobwatch.watchdog.cluster;

import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jgroups.Address;
import org.jgroups.Message;
import org.jgroups.protocols.EncryptHeader;
import org.jgroups.protocols.SYM_ENCRYPT;
import org.jgroups.stack.Protocol;
import org.jgroups.util.MessageBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sits right below SYM_ENCRYPT and drops what was encrypted under another key (a stranger, or a
 * member given another secret file), saying so in oobwatch's log once a minute per sender:
 * "CLUSTER REFUSED wd-x: it does not hold this cluster's secret". SYM_ENCRYPT would drop those
 * messages too, but through JGroups' own logging, which depends on what is on the class path.
 */
final class StrangerGuard extends Protocol {
  private static final Logger log = LoggerFactory.getLogger(StrangerGuard.class);
  static final Duration SAY_EVERY = Duration.ofMinutes(1);
  private final SYM_ENCRYPT encrypt;
  private final String cluster;
  private final Map<Address, Long> said = new ConcurrentHashMap<>();

  StrangerGuard(SYM_ENCRYPT encrypt, String cluster) {
    this.encrypt = encrypt;
    this.cluster = cluster;
  }

  @Override
  public Object up(Message msg) {
    if (stranger(msg)) {
      return null;
    }
    return up_prot.up(msg);
  }

  @Override
  public void up(MessageBatch batch) {
    batch.removeIf(this::stranger, true);
    if (!batch.isEmpty()) {
      up_prot.up(batch);
    }
  }

  private boolean stranger(Message msg) {
    EncryptHeader h = msg.getHeader(encrypt.getId());
    byte[] ours = encrypt.symVersion();
    if (h == null || h.version() == null || ours == null || Arrays.equals(h.version(), ours)) {
      return false;
    }
    long now = System.nanoTime();
    Address from = msg.getSrc();
    Long last = said.get(from);
    if (last == null || now - last >= SAY_EVERY.toNanos()) {
      said.put(from, now);
      log.error("CLUSTER REFUSED {} on cluster {}: it does not hold this cluster's secret (its messages are encrypted"
          + " under another key); a member needs the same cluster.secret_file and cluster.name as the others", from,
          cluster);
    }
    return true;
  }
}
