package io.oobwatch.watchdog.cluster;

import java.util.List;

/** Who is in the cluster now, in rank order (the coordinator, the oldest member, first). */
interface ClusterView {
  /** This member's name. */
  String self();

  /** The members in the view now, rank 0 first; just this member while it is alone. */
  List<String> members();

  /** This member's rank: its place in {@link #members()}. */
  default int rank() {
    int i = members().indexOf(self());
    return Math.max(i, 0);
  }
}
