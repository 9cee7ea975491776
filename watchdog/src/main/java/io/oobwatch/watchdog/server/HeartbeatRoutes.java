package io.oobwatch.watchdog.server;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.oobwatch.watchdog.schedule.HeartbeatWatch;
import java.util.Locale;

/**
 * {@code POST /heartbeat/{name}}, {@code /start} and {@code /fail}, as healthchecks.io has them,
 * with the heartbeat's token as {@code Authorization: Bearer TOKEN}: 200 recorded, 401 missing or
 * wrong token (nothing recorded), 404 no push heartbeat by that name.
 */
final class HeartbeatRoutes {
  private HeartbeatRoutes() {}

  static Response push(HeartbeatReceiver receiver, Request request, HeartbeatWatch.Signal signal) {
    String name = request.pathParams().get("name");
    String token = bearer(request.headers().get(HttpHeaderNames.AUTHORIZATION));
    switch (receiver.receive(name, token, signal, request.bodyText())) {
      case RECORDED:
        return Response.text(HttpResponseStatus.OK, "ok\n");
      case UNAUTHORIZED:
        return Response.error(HttpResponseStatus.UNAUTHORIZED, token == null
                ? "heartbeat " + name + " needs its token: send Authorization: Bearer TOKEN"
                : "wrong token for heartbeat " + name + "; nothing was recorded")
            .withHeader(HttpHeaderNames.WWW_AUTHENTICATE.toString(), "Bearer realm=\"oobwatch\"");
      default:
        return Response.error(HttpResponseStatus.NOT_FOUND, "no push heartbeat named " + name
            + " (see heartbeats: in the config; a pull heartbeat, with url:, takes no pushes)");
    }
  }

  /** The token of an {@code Authorization: Bearer TOKEN} header, or null. */
  static String bearer(String header) {
    if (header == null) {
      return null;
    }
    String h = header.strip();
    if (h.length() < 7 || !h.substring(0, 7).toLowerCase(Locale.ROOT).equals("bearer ")) {
      return null;
    }
    String token = h.substring(7).strip();
    return token.isEmpty() ? null : token;
  }
}
