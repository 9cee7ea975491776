package io.oobwatch.watchdog.daemon;

import io.oobwatch.probes.canary.Durations;
import io.oobwatch.watchdog.alert.AckReplies;
import io.oobwatch.watchdog.alert.Alerts;
import io.oobwatch.watchdog.config.Config;
import io.oobwatch.watchdog.page.DeliveryWatch;
import io.oobwatch.watchdog.server.PagingControl;
import io.oobwatch.watchdog.store.Silence;
import java.time.Duration;
import java.util.List;

/** The paging endpoints' view of the daemon: acknowledgement and silences through {@link Alerts}. */
final class DaemonPaging implements PagingControl {
  private final Config config;
  private final Alerts alerts;
  private final AckReplies replies;
  private final Runnable changed;
  private final DeliveryWatch deliveries;

  /** @param changed told after an ack or a silence changed what /status shows (it must not block) */
  DaemonPaging(Config config, Alerts alerts, DeliveryWatch deliveries, Runnable changed) {
    this.config = config;
    this.alerts = alerts;
    this.deliveries = deliveries;
    this.changed = changed;
    this.replies = new AckReplies(alerts, config.paging());
  }

  @Override
  public String twilioAuthToken() {
    return config.paging() == null || config.paging().twilio() == null ? null : config.paging().twilio().authToken();
  }

  @Override
  public String publicUrl() {
    String url = config.http().publicUrl();
    return url == null ? null : url.replaceAll("/+$", "");
  }

  @Override
  public String apiToken() {
    return config.http().apiToken();
  }

  @Override
  public String smsReply(String from, String text) {
    String reply = replies.sms(from, text);
    changed.run();
    return reply;
  }

  @Override
  public String voiceReply(String callee, List<Long> alertIds, String digits) {
    String reply = replies.voice(callee, alertIds, digits);
    changed.run();
    return reply;
  }

  @Override
  public void deliveryReport(String sid, boolean call, String status, Integer errorCode, String answeredBy) {
    deliveries.report(sid, call, status, errorCode, answeredBy);
    changed.run();
  }

  @Override
  public Ack ack(long alertId, String by) {
    Alerts.AckResult r = alerts.ack(alertId, by);
    changed.run();
    return switch (r.outcome()) {
      case ACKNOWLEDGED -> new Ack(AckStatus.ACKNOWLEDGED, "alert " + alertId + " (" + r.alert().subject() + ": "
          + r.alert().summary() + ") acknowledged; escalation stopped");
      case ALREADY_ACKNOWLEDGED -> new Ack(AckStatus.ALREADY_ACKNOWLEDGED, "alert " + alertId + " was already acknowledged");
      case ALREADY_RESOLVED -> new Ack(AckStatus.ALREADY_RESOLVED, "alert " + alertId + " is already resolved");
      default -> new Ack(AckStatus.UNKNOWN, "there is no alert " + alertId + " (see oobwatch status)");
    };
  }

  @Override
  public String silence(String subject, Duration length, String reason, String by) {
    Silence s = alerts.silence(subject, length, reason, by);
    changed.run();
    boolean known = config.pipelines().stream().anyMatch(p -> p.name().equals(subject));
    return subject + " silenced for " + Durations.format(length) + " (until " + s.until() + "): " + reason
        + (known ? "" : " (note: no pipeline is named " + subject + "; alerts of any subject by that name are silenced)");
  }
}
