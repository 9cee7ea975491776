package io.oobwatch.watchdog.server;

/**
 * What {@code GET /healthz} answers.
 *
 * @param ok true when the daemon is doing its job (evaluation loop ticking, state writable)
 * @param reason when not ok, one line for whoever polls the endpoint (a peer, a load balancer, a
 *     person with curl): "evaluation loop last ticked 95 s ago"; ignored when ok
 */
public record Health(boolean ok, String reason) {
  public Health {
    reason = reason == null ? "" : reason;
  }

  public static Health healthy() {
    return new Health(true, "");
  }

  public static Health unhealthy(String reason) {
    return new Health(false, reason);
  }
}
