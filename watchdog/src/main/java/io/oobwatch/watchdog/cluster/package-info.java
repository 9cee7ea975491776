/**
 * Several oobwatch instances as one watchdog, on JGroups: the channel (static members, AUTH and
 * encryption keyed from the shared secret), the replicated notification log of what was opened,
 * paged, acknowledged and resolved per alert key, the page gate that leaves a step to the member of
 * lower rank for rank × peer_timeout, and the sync that tells the other members this member's alerts
 * and applies their acks. Without {@code cluster:} none of it runs.
 */
package io.oobwatch.watchdog.cluster;
