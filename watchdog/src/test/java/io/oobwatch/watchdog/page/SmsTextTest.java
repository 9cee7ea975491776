package io.oobwatch.watchdog.page;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SmsTextTest {

  @Test
  void typographicCharactersBecomeTheirAsciiLookAlikes() {
    assertThat(SmsText.toGsm7("lag 1.2 M — growing – fast"))
        .isEqualTo("lag 1.2 M - growing - fast");
    assertThat(SmsText.toGsm7("“quoted” ‘single’")).isEqualTo("\"quoted\" 'single'");
    assertThat(SmsText.toGsm7("wait…")).isEqualTo("wait...");
    assertThat(SmsText.toGsm7("kafka → elasticsearch")).isEqualTo("kafka -> elasticsearch");
    assertThat(SmsText.toGsm7("3×")).isEqualTo("3x");
    assertThat(SmsText.toGsm7("p99 850 µs")).isEqualTo("p99 850 us");
  }

  @Test
  void gsmCharactersIncludingAccentedOnesAreKept() {
    String gsm = "Café à Malmö: Ñ ü é è Ø Å ß £ € {json} [x] ~ | \\ ^ @ $ _ ¿¡§";

    assertThat(SmsText.toGsm7(gsm)).isEqualTo(gsm);
    assertThat(SmsText.isGsm7(gsm)).isTrue();
  }

  @Test
  void accentedLettersOutsideGsmLoseTheirAccent() {
    assertThat(SmsText.toGsm7("Łódź, Kraków, Ștefan, garçon, Ångström, naïve"))
        .isEqualTo("Lodz, Krakow, Stefan, garcon, Ångström, naive");
  }

  @Test
  void decomposedAccentsAreRecomposedFirst() {
    assertThat(SmsText.toGsm7("e\u0301")).isEqualTo("é");
  }

  @Test
  void anythingElseBecomesAQuestionMarkAndInvisiblesAreDropped() {
    assertThat(SmsText.toGsm7("fire 🔥 日本")).isEqualTo("fire ? ??");
    assertThat(SmsText.toGsm7("a\u200Bb\u00A0c\td\r\ne")).isEqualTo("ab c d\ne");
  }

  @Test
  void extensionCharactersCountTwoSeptets() {
    assertThat(SmsText.septets("abc")).isEqualTo(3);
    assertThat(SmsText.septets("{€}")).isEqualTo(6);
    assertThat(SmsText.septets("")).isZero();
  }

  @Test
  void septetsOfNonGsmTextCountItsTransliteration() {
    assertThat(SmsText.septets("…")).isEqualTo(3);
  }

  @Test
  void oneSegmentHolds160SeptetsAndConcatenatedOnes153() {
    assertThat(SmsText.segments("")).isEqualTo(1);
    assertThat(SmsText.segments("a".repeat(160))).isEqualTo(1);
    assertThat(SmsText.segments("a".repeat(161))).isEqualTo(2);
    assertThat(SmsText.segments("a".repeat(306))).isEqualTo(2);
    assertThat(SmsText.segments("a".repeat(307))).isEqualTo(3);
    assertThat(SmsText.segments("€".repeat(80))).isEqualTo(1);
    assertThat(SmsText.segments("€".repeat(81))).isEqualTo(2);
  }

  @Test
  void anExtensionCharacterIsNeverSplitAcrossSegments() {
    // 152 septets, then '€' (2) would straddle the first boundary: it moves to segment two.
    String text = "a".repeat(152) + "€" + "a".repeat(152);

    assertThat(SmsText.septets(text)).isEqualTo(306);
    assertThat(SmsText.segments(text)).isEqualTo(3);
  }

  @Test
  void fitTakesTheFirstVariantThatFitsOneSegmentConverted() {
    String full = "x".repeat(150) + " — with details";
    String shorter = "canary lost — elasticsearch";

    assertThat(SmsText.fit(full, shorter, "lost")).isEqualTo("canary lost - elasticsearch");
    assertThat(SmsText.fit("short “one”", shorter)).isEqualTo("short \"one\"");
  }

  @Test
  void fitReturnsTheLastVariantWholeWhenNoneFits() {
    String last = "y".repeat(200) + "…";

    String fitted = SmsText.fit("z".repeat(300), last);

    assertThat(fitted).isEqualTo("y".repeat(200) + "...");
    assertThat(SmsText.segments(fitted)).isEqualTo(2);
  }

  @Test
  void fitNeedsAVariant() {
    assertThatThrownBy(SmsText::fit).isInstanceOf(IllegalArgumentException.class);
  }
}
