package io.oobwatch.watchdog.quality;

import io.oobwatch.watchdog.page.SmsText;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;

/** How quality and cost figures read in pages and in the status. */
final class Words {
  private Words() {}

  /** "14.8%", "0.4%", "0.05%". */
  static String percent(double fraction) {
    double p = fraction * 100;
    return String.format(Locale.ROOT, Math.abs(p) < 0.1 && p != 0 ? "%.2f%%" : "%.1f%%", p);
  }

  /** "1,203". */
  static String count(double n) {
    return String.format(Locale.ROOT, "%,d", Math.round(n));
  }

  /** "$0.026", "$1,230": money as the field holds it (the price table's currency). */
  static String money(double v) {
    return Math.abs(v) >= 100 ? "$" + count(v) : "$" + number(v);
  }

  /** Three significant digits: "0.573", "0.0261", "41.2", "1,230". */
  static String number(double v) {
    if (Double.isNaN(v)) {
      return "n/a";
    }
    double a = Math.abs(v);
    if (a >= 1000) {
      return count(v);
    }
    if (a == 0) {
      return "0";
    }
    int decimals = Math.max(0, 2 - (int) Math.floor(Math.log10(a)));
    String s = String.format(Locale.ROOT, "%." + decimals + "f", v);
    return s.contains(".") ? s.replaceAll("0+$", "").replaceAll("\\.$", "") : s;
  }

  /** "32σ", "4.2σ". */
  static String sigmas(double z) {
    return (Math.abs(z) >= 10 ? String.valueOf(Math.round(z)) : String.format(Locale.ROOT, "%.1f", z)) + "σ";
  }

  /** Septets a page gives its example request ids: two segments' worth of page keep room for them. */
  static final int EXAMPLE_SEPTETS = 60;

  /**
   * Example request ids as a page lists them ("req_8f3a00b1, req_8f3a00c7"), within {@link
   * #EXAMPLE_SEPTETS}: whole where they fit, else each cut to the same length, the longest that
   * fits and keeps them distinct ("req_8f3a00b…, req_8f3a00c…"), so each can still be looked up by
   * prefix. Taken in the order given, the first always: an id that cannot be told apart from those
   * before it within the budget is left out. Empty for no ids.
   */
  static String examples(List<String> ids) {
    List<String> kept = new ArrayList<>();
    String shown = "";
    for (String id : new LinkedHashSet<>(ids)) {
      kept.add(id);
      String fits = fit(kept);
      if (fits == null) {
        kept.remove(kept.size() - 1);
      } else {
        shown = fits;
      }
    }
    return shown;
  }

  // the ids whole, or cut to the longest common length that fits and keeps them apart; null if none does
  private static String fit(List<String> ids) {
    int longest = ids.stream().mapToInt(String::length).max().orElse(0);
    for (int len = longest; len >= Math.min(MIN_PREFIX, longest); len--) {
      List<String> shown = new ArrayList<>();
      for (String id : ids) {
        shown.add(id.length() <= len ? id : id.substring(0, len) + "…");
      }
      String joined = String.join(", ", shown);
      if (new HashSet<>(shown).size() == ids.size() && SmsText.septets(SmsText.toGsm7(joined)) <= EXAMPLE_SEPTETS) {
        return joined;
      }
    }
    return null;
  }

  /** Shorter prefixes than this are too ambiguous to look up. */
  private static final int MIN_PREFIX = 6;
}
