package io.oobwatch.watchdog.daemon;

import io.oobwatch.probes.canary.CanaryOutcome;
import io.oobwatch.probes.canary.StageResult;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A judged canary's stages as JSON-ready maps: one shape for {@code /status} and {@code check --json}. */
public final class OutcomeJson {
  private OutcomeJson() {}

  /** Per stage, in pipeline order: stage, result, latency_ms, copies, reason. */
  public static List<Object> stages(CanaryOutcome o) {
    List<Object> stages = new ArrayList<>();
    for (StageResult r : o.stages()) {
      Map<String, Object> st = new LinkedHashMap<>();
      st.put("stage", r.stage());
      st.put("result", r.status().name());
      st.put("latency_ms", r.latency().toMillis());
      st.put("copies", r.count());
      st.put("reason", r.reason());
      stages.add(st);
    }
    return stages;
  }
}
