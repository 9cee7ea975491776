package io.oobwatch.watchdog.daemon;

import io.oobwatch.probes.canary.Durations;
import io.oobwatch.watchdog.alert.AckReplies;
import io.oobwatch.watchdog.alert.Alerts;
import io.oobwatch.watchdog.config.Config;
import io.oobwatch.watchdog.page.DeliveryWatch;
import io.oobwatch.watchdog.page.TestPages;
import io.oobwatch.watchdog.status.PagingStatus;
import io.oobwatch.watchdog.server.PagingControl;
import io.oobwatch.watchdog.store.Silence;
import io.oobwatch.watchdog.page.TwilioConfig;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The paging endpoints' view of the daemon: acknowledgement and silences through {@link Alerts},
 * test pages through {@link TestPages}.
 */
final class DaemonPaging implements PagingControl {
  private final Config config;
  private final Alerts alerts;
  private final AckReplies replies;
  private final Runnable changed;
  private final Clock clock;
  private final DeliveryWatch deliveries;
  private final TestPages testPages;

  /**
   * @param changed told after an ack, a silence or a test page changed what /status shows (it must
   *     not block)
   */
  DaemonPaging(Config config, Alerts alerts, Clock clock, DeliveryWatch deliveries, TestPages testPages,
      Runnable changed) {
    this.config = config;
    this.alerts = alerts;
    this.clock = clock;
    this.deliveries = deliveries;
    this.testPages = testPages;
    this.changed = changed;
    this.replies = new AckReplies(alerts, config.paging());
  }

  @Override
  public String twilioAuthToken(String accountSid) {
    if (config.paging() == null || accountSid == null) {
      return null;
    }
    List<TwilioConfig> accounts = new ArrayList<>();
    accounts.add(config.paging().twilio());
    if (config.paging().fallback() != null) {
      accounts.add(config.paging().fallback().twilio());
    }
    return accounts.stream().filter(a -> a != null && a.accountSid().equals(accountSid)).map(TwilioConfig::authToken)
        .findFirst().orElse(null);
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
  public SilenceChange silence(String subject, Duration length, String reason, String by) {
    List<String> watched = watchedSubjects();
    if (!watched.contains(subject)) {
      return new SilenceChange(SilenceStatus.UNKNOWN, "nothing is watched under the name " + subject
          + "; silence a pipeline, heartbeat or peer by its name (" + String.join(", ", watched) + ")");
    }
    Silence s = alerts.silence(subject, length, reason, by);
    changed.run();
    return new SilenceChange(SilenceStatus.SILENCED, "silence " + s.id() + ": " + subject + " silenced for "
        + Durations.format(length) + " (until " + s.until() + "): " + reason + "; end it early with oobwatch silence --end "
        + s.id());
  }

  @Override
  public SilenceChange endSilence(long silenceId, String by) {
    Instant now = clock.instant();
    Optional<Silence> before = alerts.endSilence(silenceId, by);
    changed.run();
    if (before.isEmpty()) {
      return new SilenceChange(SilenceStatus.UNKNOWN, "there is no silence " + silenceId + " (see oobwatch status)");
    }
    Silence s = before.get();
    if (!s.until().isAfter(now)) {
      return new SilenceChange(SilenceStatus.ALREADY_OVER, "silence " + silenceId + " of " + s.subject()
          + " was already over (" + s.until() + ")");
    }
    return new SilenceChange(SilenceStatus.ENDED, "silence " + silenceId + " of " + s.subject()
        + " ended; alerts that still fire are paged again");
  }

  @Override
  public TestPageRequest testPage(String to, boolean call, String by) {
    List<Config.OnCall> people = config.paging() == null ? List.of() : config.paging().oncall();
    if (people.isEmpty()) {
      return new TestPageRequest(TestPageStatus.NO_ONCALL, "no paging.oncall in the daemon's config; nobody to send a"
          + " test page to", List.of());
    }
    Config.OnCall person = to == null ? people.get(0)
        : people.stream().filter(p -> p.name().equals(to)).findFirst().orElse(null);
    if (person == null) {
      return new TestPageRequest(TestPageStatus.UNKNOWN_PERSON, "\"" + to + "\" is not in the daemon's paging.oncall"
          + " (known: " + String.join(", ", people.stream().map(Config.OnCall::name).toList()) + ")", List.of());
    }
    List<PagingStatus.TestPage> tests = testPages.request(person.name(), person.phone(), call, by).stream()
        .map(PagingView::testPage).toList();
    changed.run();
    return new TestPageRequest(TestPageStatus.SENDING, "test " + (call ? "SMS and call" : "SMS") + " to "
        + person.name() + " being sent by oobwatch " + config.instance(), tests);
  }

  @Override
  public Optional<PagingStatus.TestPage> testPage(long id) {
    return testPages.testPage(id).map(PagingView::testPage);
  }

  /** What an alert can be about: every pipeline, heartbeat and peer of the config, by its subject name. */
  private List<String> watchedSubjects() {
    List<String> out = new ArrayList<>();
    config.pipelines().forEach(p -> out.add(p.name()));
    config.heartbeats().forEach(h -> out.add(h.name()));
    if (config.self() != null) {
      config.self().peers().forEach(p -> out.add(p.subject()));
    }
    return out;
  }
}
