package io.oobwatch.watchdog.config;

import java.util.Map;

/**
 * What a request cost when its record carries tokens but no cost: the model's price per thousand
 * input and output tokens.
 *
 * @param cost the cost field the price table fills in ("cost_usd")
 * @param perModel by model id (the value of {@code model})
 */
public record Pricing(FieldPath cost, FieldPath model, FieldPath inputTokens, FieldPath outputTokens,
    Map<String, Price> perModel) {
  public Pricing {
    perModel = Map.copyOf(perModel);
  }

  /** USD (or the table's currency) per 1,000 tokens. */
  public record Price(double inputPer1k, double outputPer1k) {}
}
