package io.oobwatch.watchdog.status;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.time.Instant;

/**
 * One pipeline's canary loop.
 *
 * @param lastTick when the loop last completed a round, null before the first
 * @param error why the last round failed; absent when it did not
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record PipelineStatus(
    String name, Instant lastTick, @JsonInclude(JsonInclude.Include.NON_NULL) String error, CanaryStatus canary) {}
