package io.oobwatch.watchdog.store;

import io.oobwatch.probes.canary.CanaryOutcome;
import java.time.Instant;

/** A judged canary as kept in the store: enough to rebuild rule state after a restart. */
public record OutcomeRow(
    String pipeline, long seq, String canaryId, Instant emittedAt, CanaryOutcome.Verdict verdict, String failedStage, int duplicates) {}
