package io.oobwatch.watchdog.quality;

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

  /** A request id as a page shows it: at most 8 characters, then "…". */
  static String shortId(String id) {
    return id.length() <= 9 ? id : id.substring(0, 8) + "…";
  }
}
