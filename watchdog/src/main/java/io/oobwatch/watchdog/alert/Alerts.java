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

  /** Applies the canary rule's decision for a judged canary. */
  public void apply(CanaryRule.Decision decision, CanaryOutcome o, int inARow) {
    Instant now = clock.instant();
    switch (decision) {
      case FIRE:
        {
          Alert a = store.fire(o.pipeline(), CANARY_RULE, AlertText.stage(o), AlertText.summary(o), now,
              alert -> pages(AlertText.fire(instance, alert, o, inARow)));
          log.warn("ALERT {} {}: {}", a.id(), a.pipeline(), a.summary());
          wake.run();
          break;
        }
      case RESOLVE:
        {
          Alert open = firing(o.pipeline()).orElse(null);
          if (open == null) {
            return;
          }
          boolean notify = paging == null || paging.notifyResolved();
          Alert a = store.resolve(open.id(), now,
              alert -> notify ? pages(AlertText.resolve(instance, alert, o, now)) : List.of());
          log.info("RESOLVED {} {}: was {}", a.id(), a.pipeline(), a.summary());
          wake.run();
          break;
        }
      default:
        break;
    }
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
