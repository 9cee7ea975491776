package io.oobwatch.watchdog.store;

import java.time.Instant;

/**
 * An open alert (firing or acknowledged) with its escalation progress, as kept in the store.
 *
 * @param text the page text the rule wrote when it fired; every step sends it
 * @param epoch how many times the escalation started over (after an ack timed out, or a silence
 *     ended); part of every step page's de-duplication key
 * @param epochAt the instant the current escalation's steps are timed from
 * @param nextStep the index of the next step to page in the current epoch (loops flattened: loop
 *     {@code k}, step {@code s} of {@code n} steps is index {@code k*n+s}); steps below it were
 *     written to the outbox already
 * @param ackedAt when it was acknowledged; null unless acknowledged
 * @param ackedBy who acknowledged it ("alice", "api"); null unless acknowledged
 * @param silenced whether a silence held its pages back
 */
public record Escalating(
    Alert alert,
    String text,
    int epoch,
    Instant epochAt,
    int nextStep,
    Instant ackedAt,
    String ackedBy,
    boolean silenced) {}
