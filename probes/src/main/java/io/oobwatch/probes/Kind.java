package io.oobwatch.probes;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * One kind of system a pipeline runs through (Kafka, Elasticsearch, ...): its name as written in
 * the config, and for each place it can be written ({@link Use}) how its settings are read. The
 * settings records open their own probes ({@link InjectorConfig}, {@link StageConfig}, {@link
 * SignalSource}), so a kind that can be read can always be built.
 *
 * <p>A kind lives in its own package beside its probes and is listed once, in {@code
 * io.oobwatch.probes.kinds.Kinds}; config reading, validation, probe building, descriptions and the
 * README's kinds table all come from that list.
 *
 * @param name the key in the config ({@code kafka})
 * @param system what it is, for the kinds table ("Apache Kafka topic")
 */
public record Kind(
    String name,
    String system,
    Role<? extends InjectorConfig> entry,
    Role<? extends StageConfig> stage,
    Role<? extends SignalSource.Freshness> freshness,
    Role<? extends SignalSource.Volume> volume,
    Role<? extends SignalSource.ConsumerLag> consumerLag,
    Role<? extends SignalSource.Tap> tap) {

  public Kind {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(system, "system");
  }

  /** A kind with no uses yet; add them with the {@code with*} methods. */
  public static Kind named(String name, String system) {
    return new Kind(name, system, null, null, null, null, null, null);
  }

  public Kind withEntry(String doc, Function<Settings, ? extends InjectorConfig> read) {
    return new Kind(name, system, new Role<>(doc, read), stage, freshness, volume, consumerLag, tap);
  }

  public Kind withStage(String doc, Function<Settings, ? extends StageConfig> read) {
    return new Kind(name, system, entry, new Role<>(doc, read), freshness, volume, consumerLag, tap);
  }

  public Kind withFreshness(String doc, Function<Settings, ? extends SignalSource.Freshness> read) {
    return new Kind(name, system, entry, stage, new Role<>(doc, read), volume, consumerLag, tap);
  }

  public Kind withVolume(String doc, Function<Settings, ? extends SignalSource.Volume> read) {
    return new Kind(name, system, entry, stage, freshness, new Role<>(doc, read), consumerLag, tap);
  }

  public Kind withConsumerLag(String doc, Function<Settings, ? extends SignalSource.ConsumerLag> read) {
    return new Kind(name, system, entry, stage, freshness, volume, new Role<>(doc, read), tap);
  }

  public Kind withTap(String doc, Function<Settings, ? extends SignalSource.Tap> read) {
    return new Kind(name, system, entry, stage, freshness, volume, consumerLag, new Role<>(doc, read));
  }

  /** How this kind is read where {@code use} says; null when it cannot be written there. */
  public Role<?> role(Use use) {
    switch (use) {
      case ENTRY:
        return entry;
      case STAGE:
        return stage;
      case FRESHNESS:
        return freshness;
      case VOLUME:
        return volume;
      case CONSUMER_LAG:
        return consumerLag;
      case TAP:
        return tap;
      default:
        throw new AssertionError(use);
    }
  }

  /** The places this kind can be written, in {@link Use} order. */
  public List<Use> uses() {
    List<Use> out = new ArrayList<>();
    for (Use u : Use.values()) {
      if (role(u) != null) {
        out.add(u);
      }
    }
    return out;
  }

  /**
   * How a kind's settings are read in one place.
   *
   * @param doc the keys it takes and what it does there, for the README's kinds table (Markdown)
   */
  public record Role<C>(String doc, Function<Settings, C> reader) {
    public Role {
      Objects.requireNonNull(doc, "doc");
      Objects.requireNonNull(reader, "reader");
    }

    /**
     * The settings record, or null when reading them found a problem (already recorded in {@code
     * s}). A record that refuses its values (its own invariants) becomes a problem of the settings,
     * never a crash.
     */
    public C read(Settings s) {
      int before = s.errors();
      try {
        C c = reader.apply(s);
        return s.errors() > before ? null : c;
      } catch (IllegalArgumentException | NullPointerException e) {
        if (s.errors() == before) {
          s.invalid(String.valueOf(e.getMessage()));
        }
        return null;
      }
    }
  }
}
