package io.oobwatch.watchdog.alert;

import io.oobwatch.probes.canary.CanaryOutcome;
import io.oobwatch.watchdog.config.Config;
import io.oobwatch.watchdog.detect.CanaryRule;
import io.oobwatch.watchdog.page.Page;
import io.oobwatch.watchdog.store.Alert;
import io.oobwatch.watchdog.store.Store;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out the rules' decisions: opens and resolves alerts in the store and queues their pages
 * in the same transaction, then wakes the dispatcher. Pages go to the people of the first
 * escalation step (full escalation comes later); with no paging configured, to the console.
 */
public final class Alerts {
  private static final Logger log = LoggerFactory.getLogger(Alerts.class);
  public static final String CANARY_RULE = "canary";

  private final String instance;
  private final Store store;
  private final Config.Paging paging;
  private final Clock clock;
  private final Runnable wake;

  /**
   * @param paging null pages the console
   * @param wake called after pages were queued (the dispatcher's wake)
   */
  public Alerts(String instance, Store store, Config.Paging paging, Clock clock, Runnable wake) {
    this.instance = instance;
    this.store = store;
    this.paging = paging;
    this.clock = clock;
    this.wake = wake;
  }

  public Optional<Alert> firing(String pipeline) {
    return store.firing(pipeline, CANARY_RULE);
  }

  /** The firing alert of any rule for a subject (a pipeline, a heartbeat, a peer), if any. */
  public Optional<Alert> firing(String subject, String rule) {
    return store.firing(subject, rule);
  }

  /** Applies the canary rule's decision for a judged canary. */
  public void apply(CanaryRule.Decision decision, CanaryOutcome o, int inARow) {
    switch (decision) {
      case FIRE:
        raise(o.pipeline(), CANARY_RULE, AlertText.stage(o), AlertText.summary(o),
            alert -> AlertText.fire(instance, alert, o, inARow));
        break;
      case RESOLVE:
        clear(o.pipeline(), CANARY_RULE, (alert, at) -> AlertText.resolve(instance, alert, o, at));
        break;
      default:
        break;
    }
  }

  /**
   * Opens an alert for a subject's rule and queues its pages, unless one is already firing (then
   * nothing happens and the firing one is returned). Every rule fires through here.
   *
   * @param subject what the alert is about: a pipeline name, or e.g. a heartbeat or peer name
   * @param stage the hop or part it names ("elasticsearch"), may be empty
   * @param summary one line for people ("canary lost between kafka and elasticsearch")
   * @param text the page text, given the alert (its id is known only once it is stored)
   */
  public Alert raise(String subject, String rule, String stage, String summary, Function<Alert, String> text) {
    Optional<Alert> open = store.firing(subject, rule);
    if (open.isPresent()) {
      return open.get();
    }
    Alert a = store.fire(subject, rule, stage, summary, clock.instant(), alert -> pages(text.apply(alert)));
    log.warn("ALERT {} {}: {}", a.id(), a.subject(), a.summary());
    wake.run();
    return a;
  }

  /**
   * Resolves the subject's firing alert for a rule, queueing resolve notices when configured.
   * Returns the resolved alert, or empty when none was firing.
   *
   * @param text the notice, given the alert and the time it resolved
   */
  public Optional<Alert> clear(String subject, String rule, BiFunction<Alert, Instant, String> text) {
    Alert open = store.firing(subject, rule).orElse(null);
    if (open == null) {
      return Optional.empty();
    }
    Instant now = clock.instant();
    boolean notify = paging == null || paging.notifyResolved();
    Alert a = store.resolve(open.id(), now, alert -> notify ? pages(text.apply(alert, now)) : List.of());
    log.info("RESOLVED {} {}: was {}", a.id(), a.subject(), a.summary());
    wake.run();
    return Optional.of(a);
  }

  private List<Page> pages(String body) {
    if (paging == null || paging.escalation().isEmpty()) {
      return List.of(new Page("console", "console", body));
    }
    Config.Step first = paging.escalation().get(0);
    Set<String> names = new LinkedHashSet<>(first.sms());
    names.addAll(first.call());
    List<Page> out = new ArrayList<>();
    for (String name : names) {
      out.add(new Page(name, paging.person(name).phone(), body));
    }
    return out;
  }
}
