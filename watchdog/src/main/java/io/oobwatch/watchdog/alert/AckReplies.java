package io.oobwatch.watchdog.alert;

import io.oobwatch.probes.canary.Durations;
import io.oobwatch.watchdog.config.Config;
import io.oobwatch.watchdog.store.Escalating;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Acknowledgement by SMS reply and by phone keypress: who may, what they typed, and the words sent
 * back. Only numbers on the on-call list can acknowledge. Accepted SMS forms: "ACK 17", "17 ACK",
 * "ack17", "Ack #17", and "ACK ALL" (every open alert), any case, trailing punctuation allowed.
 */
public final class AckReplies {
  private static final Pattern ACK_ALL = Pattern.compile("^\\s*ack\\s*all\\s*[.!]*\\s*$", Pattern.CASE_INSENSITIVE);
  private static final Pattern ACK =
      Pattern.compile("^\\s*(?:ack\\s*#?\\s*(\\d{1,9})|#?(\\d{1,9})\\s*ack)\\s*[.!]*\\s*$", Pattern.CASE_INSENSITIVE);

  private final Alerts alerts;
  private final Config.Paging paging;

  /** @param paging null: nobody is on call, so nobody can acknowledge by phone */
  public AckReplies(Alerts alerts, Config.Paging paging) {
    this.alerts = alerts;
    this.paging = paging;
  }

  /** The alert number in an acknowledgement text, or empty when the text is not one. */
  static Optional<Long> parse(String text) {
    Matcher m = ACK.matcher(text == null ? "" : text);
    if (!m.matches()) {
      return Optional.empty();
    }
    return Optional.of(Long.parseLong(m.group(1) != null ? m.group(1) : m.group(2)));
  }

  /** The on-call person with this phone number, if any. */
  public Optional<Config.OnCall> person(String phone) {
    if (paging == null || phone == null) {
      return Optional.empty();
    }
    return paging.oncall().stream().filter(p -> p.phone().equals(phone.strip())).findFirst();
  }

  /** The SMS answer to a text {@code from} sent to the Twilio number; acknowledges when it says so. */
  public String sms(String from, String text) {
    String me = "oobwatch " + alerts.instance();
    Optional<Config.OnCall> who = person(from);
    if (who.isEmpty()) {
      return me + ": this number is not on the on-call list; nothing was acknowledged.";
    }
    if (ACK_ALL.matcher(text == null ? "" : text).matches()) {
      return me + ": " + ackAll(who.get().name());
    }
    Optional<Long> id = parse(text);
    if (id.isEmpty()) {
      return me + ": to acknowledge, reply ACK and the alert number, e.g. ACK 17. " + openList();
    }
    Alerts.AckResult r = alerts.ack(id.get(), who.get().name());
    switch (r.outcome()) {
      case ACKNOWLEDGED:
        return me + ": alert " + id.get() + " (" + r.alert().subject() + ": " + r.alert().summary()
            + ") acknowledged by " + who.get().name() + "; escalation stopped. If it still fires in "
            + Durations.format(ackTimeout()) + ", paging starts again.";
      case ALREADY_ACKNOWLEDGED:
        return me + ": alert " + id.get() + " (" + r.alert().subject() + ") was already acknowledged.";
      case ALREADY_RESOLVED:
        return me + ": alert " + id.get() + " (" + r.alert().subject() + ") is already resolved; nothing to do.";
      default:
        return me + ": there is no alert " + id.get() + ". " + openList();
    }
  }

  /**
   * The spoken answer when the callee of a page call pressed {@code digits} (null: nothing) for
   * {@code alertIds}. Only "1" acknowledges; voicemail and silence do not.
   */
  public String voice(String callee, List<Long> alertIds, String digits) {
    Optional<Config.OnCall> who = person(callee);
    if (!"1".equals(digits == null ? null : digits.strip())) {
      return "Not acknowledged. The alert stays open and escalation continues. Goodbye.";
    }
    if (who.isEmpty()) {
      return "This number is not on the on-call list. Nothing was acknowledged. Goodbye.";
    }
    StringBuilder said = new StringBuilder();
    for (long id : alertIds) {
      Alerts.AckResult r = alerts.ack(id, who.get().name());
      switch (r.outcome()) {
        case ACKNOWLEDGED -> said.append("Alert ").append(id).append(" acknowledged. ");
        case ALREADY_ACKNOWLEDGED -> said.append("Alert ").append(id).append(" was already acknowledged. ");
        case ALREADY_RESOLVED -> said.append("Alert ").append(id).append(" is already resolved. ");
        default -> said.append("There is no alert ").append(id).append(". ");
      }
    }
    return said.append("Escalation stopped. Goodbye.").toString();
  }

  /** Acknowledges every alert open now that is not acknowledged yet; the confirmation. */
  private String ackAll(String by) {
    List<String> acked = new ArrayList<>();
    for (Escalating e : alerts.open()) {
      Alerts.AckResult r = alerts.ack(e.alert().id(), by);
      if (r.outcome() == Alerts.AckOutcome.ACKNOWLEDGED) {
        acked.add(e.alert().id() + " (" + e.alert().subject() + ")");
      }
    }
    if (acked.isEmpty()) {
      return "no alert was waiting for an acknowledgement; nothing changed.";
    }
    return (acked.size() == 1 ? "alert " : acked.size() + " alerts ") + String.join(", ", acked) + " acknowledged by "
        + by + "; escalation stopped. If one still fires in " + Durations.format(ackTimeout()) + ", paging starts again.";
  }

  private Duration ackTimeout() {
    return paging == null ? Duration.ofHours(4) : paging.ackTimeout();
  }

  private String openList() {
    List<Escalating> open = alerts.open();
    if (open.isEmpty()) {
      return "No alert is open right now.";
    }
    String ids = open.stream().limit(10)
        .map(e -> e.alert().id() + " (" + e.alert().subject() + ")").collect(Collectors.joining(", "));
    return "Open alerts: " + ids + (open.size() > 10 ? " and " + (open.size() - 10) + " more" : "") + ".";
  }
}
