package io.oobwatch.watchdog.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.oobwatch.probes.Observation;
import io.oobwatch.probes.Observation.Kind;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Observations in a real SQLite file: per signal, per minute, read back after reopening. */
class ObservationStoreTest {
  @TempDir Path dir;
  final Instant t0 = Instant.parse("2026-11-27T08:00:00Z");

  static void save(Stores s, String signal, Observation o) {
    s.observations().saveObservations(List.of(new ObservationStore.SignalObservation(signal, o)));
  }

  @Test
  void windowsCountAndSumOnlyKnownObservationsOfTheirSignalAndSpan() {
    try (Stores s = Stores.open(dir)) {
      for (int m = 0; m < 10; m++) {
        save(s, "p/volume/kafka", Observation.value(t0.plusSeconds(60L * m), 100 + m));
        save(s, "p/volume/other", Observation.value(t0.plusSeconds(60L * m), 5));
      }
      save(s, "p/volume/kafka", Observation.unknown(t0.plusSeconds(600), "refused"));

      ObservationStore.Window w = s.observations().window("p/volume/kafka", t0.plusSeconds(120), t0.plusSeconds(660));

      assertThat(w.values()).isEqualTo(8);
      assertThat(w.weightedSum()).isEqualTo(60.0 * (102 + 103 + 104 + 105 + 106 + 107 + 108 + 109));
      assertThat(w.seconds()).isEqualTo(8 * 60.0);
      assertThat(s.observations().window("never/seen/x", t0, t0.plusSeconds(600))).isEqualTo(new ObservationStore.Window(0, 0));
      assertThat(s.observations().windows("p/volume/kafka", Duration.ofMinutes(3), List.of(t0.plusSeconds(660), t0.plusSeconds(180))))
          .containsExactly(new ObservationStore.Window(2, 108 + 109), new ObservationStore.Window(3, 100 + 101 + 102));
    }
  }

  /** A volume reading standing for 15 seconds. */
  static void saveRate(Stores s, Observation o) {
    s.observations().saveObservations(List.of(new ObservationStore.SignalObservation("p/volume/kafka", o,
        Duration.ofSeconds(15))));
  }

  @Test
  void rateReadingsInOneMinuteMergeWeighedByWhatEachCoversWhileAnUnknownOneReplacesThem() {
    try (Stores s = Stores.open(dir)) {
      // minute 1 read four times at 1200/min; minute 2 twice, 1200 then 700; minute 3 once, then unknown
      for (int i = 0; i < 4; i++) {
        saveRate(s, Observation.value(t0.plusSeconds(60 + 15 * i), 1200));
      }
      saveRate(s, Observation.value(t0.plusSeconds(120), 1200));
      saveRate(s, Observation.value(t0.plusSeconds(135), 700));
      saveRate(s, Observation.value(t0.plusSeconds(180), 500));
      saveRate(s, Observation.unknown(t0.plusSeconds(195), "refused"));
    }
    try (Stores s = Stores.open(dir)) {
      ObservationStore.Window w = s.observations().window("p/volume/kafka", t0, t0.plusSeconds(240));

      assertThat(w).isEqualTo(new ObservationStore.Window(2, 1200 * 60 + 950 * 30, 90));
      assertThat(s.observations().observations("p/volume/kafka", t0.plusSeconds(120), t0.plusSeconds(240)))
          .extracting(Observation::kind, Observation::value)
          .containsExactly(tuple(Kind.VALUE, 950.0), tuple(Kind.UNKNOWN, 0.0));
    }
  }

  @Test
  void aSecondObservationInTheSameMinuteReplacesTheFirstAndEverythingSurvivesReopening() {
    try (Stores s = Stores.open(dir)) {
      save(s, "p/lag/g", Observation.value(t0.plusSeconds(5), 10, 400, "Stable"));
      save(s, "p/lag/g", Observation.value(t0.plusSeconds(35), 12, 400, "Empty"));
    }
    try (Stores s = Stores.open(dir)) {
      List<Observation> all = s.observations().observations("p/lag/g", t0, t0.plusSeconds(3600));

      assertThat(all).containsExactly(Observation.value(t0, 12, 400, "Empty"));
    }
  }

  @Test
  void theRunOfUnknownObservationsStartsAfterTheLastAnswer() {
    try (Stores s = Stores.open(dir)) {
      save(s, "p/f/es", Observation.unknown(t0, "refused"));
      save(s, "p/f/es", Observation.value(t0.plusSeconds(60), 1));
      save(s, "p/f/es", Observation.unknown(t0.plusSeconds(120), "refused"));
      save(s, "p/f/es", Observation.none(t0.plusSeconds(180), "no index matches x"));
      save(s, "p/f/es", Observation.unknown(t0.plusSeconds(240), "refused"));

      assertThat(s.observations().runStart("p/f/es", EnumSet.of(Kind.UNKNOWN))).isEqualTo(t0.plusSeconds(240));
      assertThat(s.observations().runStart("p/f/es", EnumSet.of(Kind.UNKNOWN, Kind.NONE))).isEqualTo(t0.plusSeconds(120));
      assertThat(s.observations().runStart("p/f/es", EnumSet.of(Kind.VALUE))).isNull();
    }
  }

  @Test
  void pruningDropsObservationsOlderThanTheBoundOnly() {
    try (Stores s = Stores.open(dir)) {
      List<ObservationStore.SignalObservation> rows = new ArrayList<>();
      for (int d = 0; d < 10; d++) {
        rows.add(new ObservationStore.SignalObservation("p/volume/kafka", Observation.value(t0.plus(Duration.ofDays(d)), d)));
      }
      s.observations().saveObservations(rows);

      s.prune(t0.plus(Duration.ofDays(9)).minus(Duration.ofDays(8)));

      assertThat(s.observations().observations("p/volume/kafka", t0, t0.plus(Duration.ofDays(11))))
          .extracting(Observation::value).containsExactly(1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0);
    }
  }
}
