package io.oobwatch.watchdog.detect;

import java.util.Objects;
import java.util.Optional;

/**
 * Which rule an alert belongs to: a kind and, for the signal rules, the check it judges. The store
 * keeps it as {@link #id()} ("canary", "heartbeat", "volume-drop:kafka", "unknown:freshness:es");
 * every watch names its rules through this type, so the names a watch raises and the names it lists
 * as watched (an open alert of any other is retired at start) cannot drift apart.
 *
 * @param check the check's name (a ratio: "sink/source") for a per-check kind; null otherwise
 */
public record Rule(Kind kind, String check) {
  /** Every kind of rule, each with the name alerts carry. */
  public enum Kind {
    CANARY("canary", false),
    HEARTBEAT("heartbeat", false),
    PEER("peer", false),
    MEMBER_LEFT("member-left", false),
    UNKNOWN_FRESHNESS("unknown:freshness", true),
    FRESHNESS("freshness", true),
    UNKNOWN_VOLUME("unknown:volume", true),
    VOLUME_DROP("volume-drop", true),
    CEILING("ceiling", true),
    RATIO("ratio", true),
    UNKNOWN_CONSUMER_LAG("unknown:consumer_lag", true),
    STALLED("stalled", true),
    LAG("lag", true),
    RATE_RISE("rate-rise", true),
    MEAN("mean", true),
    REQUEST_MAX("request-max", true),
    SPEND_FORECAST("spend-forecast", true),
    TAP_LAG("tap-lag", true);

    private final String label;
    private final boolean perCheck;

    Kind(String label, boolean perCheck) {
      this.label = label;
      this.perCheck = perCheck;
    }

    /** The name alerts of this kind carry ("volume-drop"). */
    public String label() {
      return label;
    }

    /** Whether a rule of this kind judges one named check (and so carries its name). */
    public boolean perCheck() {
      return perCheck;
    }
  }

  public static final Rule CANARY = new Rule(Kind.CANARY, null);
  public static final Rule HEARTBEAT = new Rule(Kind.HEARTBEAT, null);
  public static final Rule PEER = new Rule(Kind.PEER, null);
  public static final Rule MEMBER_LEFT = new Rule(Kind.MEMBER_LEFT, null);

  public Rule {
    Objects.requireNonNull(kind, "kind");
    if (kind.perCheck != (check != null)) {
      throw new IllegalArgumentException(kind.perCheck ? kind.label + " needs the check it judges" : kind.label + " judges no check");
    }
  }

  /** The rule of a per-check kind for one check. */
  public static Rule of(Kind kind, String check) {
    return new Rule(kind, Objects.requireNonNull(check, "check"));
  }

  /**
   * The rule of one session's alert under a request-max rule: that rule judges each session on its
   * own ("request-max:request_tokens/sess_9"). Signal names hold no '/', so the session is what
   * follows the first one.
   */
  public Rule session(String session) {
    if (kind != Kind.REQUEST_MAX) {
      throw new IllegalArgumentException(kind.label + " has one alert per check, not per session");
    }
    return of(kind, check + "/" + session);
  }

  /** The session of a {@link #session} rule under this one; empty for any other rule. */
  public Optional<String> sessionOf(Rule other) {
    return kind == Kind.REQUEST_MAX && other.kind == kind && other.check.startsWith(check + "/")
        ? Optional.of(other.check.substring(check.length() + 1)) : Optional.empty();
  }

  /** The rule a {@link #session} rule is part of; this rule itself for any other. */
  public Rule withoutSession() {
    int slash = check == null ? -1 : check.indexOf('/');
    return kind == Kind.REQUEST_MAX && slash > 0 ? of(kind, check.substring(0, slash)) : this;
  }

  /** Whether an alert's stored rule name is this rule's, or one of its {@link #session} rules'. */
  public boolean covers(String id) {
    return id().equals(id) || kind == Kind.REQUEST_MAX && id.startsWith(id() + "/");
  }

  /** The stored name: the kind's label, then ":" and the check for a per-check kind. */
  public String id() {
    return check == null ? kind.label : kind.label + ":" + check;
  }

  /** The rule a stored name stands for; empty for a name no rule has (any more). */
  public static Optional<Rule> parse(String id) {
    for (Kind k : Kind.values()) {
      if (!k.perCheck && id.equals(k.label)) {
        return Optional.of(new Rule(k, null));
      }
      if (k.perCheck && id.length() > k.label.length() + 1 && id.startsWith(k.label + ":")) {
        return Optional.of(new Rule(k, id.substring(k.label.length() + 1)));
      }
    }
    return Optional.empty();
  }

  @Override
  public String toString() {
    return id();
  }
}
