package io.oobwatch.watchdog.status;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.time.Instant;
import java.util.List;

/**
 * What a running daemon sees, as {@code GET /status} answers it.
 *
 * @param unhealthyReason why {@code healthy} is false; absent while healthy
 * @param checks per pipeline, its freshness, volume, ratio and consumer-lag checks
 * @param alerts firing alerts, and those resolved in the last day
 * @param quality per pipeline with a tap, its quality and cost signals beside their baselines
 * @param cluster the cluster this oobwatch is a member of; absent when it runs alone
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record StatusDocument(
    String instance,
    Instant now,
    boolean healthy,
    @JsonInclude(JsonInclude.Include.NON_NULL) String unhealthyReason,
    List<PipelineStatus> pipelines,
    List<PipelineChecks> checks,
    List<HeartbeatStatus> heartbeats,
    List<AlertStatus> alerts,
    PagingStatus paging,
    SelfStatus self,
    List<PipelineQuality> quality,
    @JsonInclude(JsonInclude.Include.NON_NULL) ClusterStatus cluster) {
  /** The document of an oobwatch that runs alone, without quality and cost signals. */
  public StatusDocument(String instance, Instant now, boolean healthy, String unhealthyReason,
      List<PipelineStatus> pipelines, List<PipelineChecks> checks, List<HeartbeatStatus> heartbeats,
      List<AlertStatus> alerts, PagingStatus paging, SelfStatus self) {
    this(instance, now, healthy, unhealthyReason, pipelines, checks, heartbeats, alerts, paging, self, List.of(), null);
  }

  public StatusDocument {
    quality = StatusJson.list(quality);
    pipelines = StatusJson.list(pipelines);
    checks = StatusJson.list(checks);
    heartbeats = StatusJson.list(heartbeats);
    alerts = StatusJson.list(alerts);
  }
}
