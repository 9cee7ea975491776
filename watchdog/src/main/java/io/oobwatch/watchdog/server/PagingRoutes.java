package io.oobwatch.watchdog.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.twilio.security.RequestValidator;
import com.twilio.twiml.MessagingResponse;
import com.twilio.twiml.VoiceResponse;
import com.twilio.twiml.messaging.Message;
import com.twilio.twiml.voice.Say;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.oobwatch.probes.canary.Durations;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The paging endpoints:
 *
 * <ul>
 *   <li>{@code POST /twilio/sms}, {@code POST /twilio/voice} and {@code POST /twilio/status} (status
 *       callbacks of sent messages and calls): Twilio's webhooks. Each is checked
 *       with {@code X-Twilio-Signature} by the twilio-sdk's {@link RequestValidator}, with the auth
 *       token of the configured account named by its {@code AccountSid} (primary or fallback),
 *       against {@code http.public_url} + the path and query as received, and the form parameters;
 *       a forged or unsigned request, or one from another account, gets 403 and changes nothing.
 *       Answers are TwiML.
 *   <li>{@code POST /alerts/{id}/ack}, {@code POST /silences} (JSON {@code subject, for, reason};
 *       404 for a subject nothing is watched under) and {@code DELETE /silences/{id}} (200 ended,
 *       409 already over, 404 unknown):
 *       bearer token ({@code http.api_token_file}); 401 without it, 403 with a wrong one, 503 when no
 *       token is configured.
 *   <li>{@code POST /paging/test} (JSON {@code to} (an on-call name; absent: the first), {@code
 *       call}): the daemon sends a test SMS (and places a test call) through its own pager; 202 with
 *       the records being sent, 404 for a name not on call, 409 when nobody is on call; {@code GET
 *       /paging/test/{id}}: one test page as recorded now (sent? delivered?). Same bearer token.
 * </ul>
 */
final class PagingRoutes {
  private static final Logger log = LoggerFactory.getLogger(PagingRoutes.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  static final String TWIML = "text/xml; charset=utf-8";
  /** A silence is a maintenance window: at least a minute, at most 30 days. */
  static final Duration SHORTEST_SILENCE = Duration.ofMinutes(1);
  static final Duration LONGEST_SILENCE = Duration.ofDays(30);

  private PagingRoutes() {}

  static Routes add(Routes routes, PagingControl paging) {
    return routes
        .add(HttpMethod.POST, "/twilio/sms", r -> sms(r, paging))
        .add(HttpMethod.POST, "/twilio/voice", r -> voice(r, paging))
        .add(HttpMethod.POST, "/twilio/status", r -> status(r, paging))
        .add(HttpMethod.POST, "/alerts/{id}/ack", r -> ack(r, paging))
        .add(HttpMethod.POST, "/silences", r -> silence(r, paging))
        .add(HttpMethod.DELETE, "/silences/{id}", r -> endSilence(r, paging))
        .add(HttpMethod.POST, "/paging/test", r -> testPage(r, paging))
        .add(HttpMethod.GET, "/paging/test/{id}", r -> testPageState(r, paging));
  }

  private static Response sms(Request r, PagingControl paging) {
    Map<String, String> form = form(r);
    Response refused = unsigned(r, form, paging);
    if (refused != null) {
      return refused;
    }
    String reply = paging.smsReply(form.get("From"), form.getOrDefault("Body", ""));
    MessagingResponse twiml = new MessagingResponse.Builder()
        .message(new Message.Builder(reply).build()).build();
    return twiml(twiml.toXml());
  }

  private static Response voice(Request r, PagingControl paging) {
    Map<String, String> form = form(r);
    Response refused = unsigned(r, form, paging);
    if (refused != null) {
      return refused;
    }
    List<Long> ids = new ArrayList<>();
    for (String v : r.query().getOrDefault("alert", List.of())) {
      for (String id : v.split(",")) {
        try {
          ids.add(Long.parseLong(id.strip()));
        } catch (NumberFormatException e) {
          // not one of ours; ignored
        }
      }
    }
    // Outbound page calls: Twilio posts From = our number, To = the person called.
    String said = paging.voiceReply(form.get("To"), ids, form.get("Digits"));
    return twiml(new VoiceResponse.Builder().say(new Say.Builder(said).build()).build().toXml());
  }

  /** A message's or call's status callback: recorded when final; Twilio wants only a 2xx back. */
  private static Response status(Request r, PagingControl paging) {
    Map<String, String> form = form(r);
    Response refused = unsigned(r, form, paging);
    if (refused != null) {
      return refused;
    }
    boolean call = form.containsKey("CallSid") && !form.containsKey("MessageSid");
    String sid = call ? form.get("CallSid") : form.get("MessageSid");
    String status = call ? form.get("CallStatus") : form.getOrDefault("MessageStatus", form.get("SmsStatus"));
    if (sid == null || status == null) {
      return Response.error(HttpResponseStatus.BAD_REQUEST, "a status callback carries MessageSid and MessageStatus,"
          + " or CallSid and CallStatus");
    }
    Integer code = null;
    try {
      code = form.get("ErrorCode") == null ? null : Integer.valueOf(form.get("ErrorCode").strip());
    } catch (NumberFormatException e) {
      // an error code that is not a number is reported without one
    }
    paging.deliveryReport(sid, call, status, code, form.get("AnsweredBy"));
    return twiml(new MessagingResponse.Builder().build().toXml());
  }

  /** 403 (with a reason) when the request is not signed by Twilio for this URL; null when it is. */
  private static Response unsigned(Request r, Map<String, String> form, PagingControl paging) {
    String signature = r.headers().get("X-Twilio-Signature");
    if (paging.publicUrl() == null) {
      log.warn("{} refused: webhooks need paging.twilio and http.public_url", r.path());
      return Response.error(HttpResponseStatus.FORBIDDEN, "webhooks need paging.twilio and http.public_url configured");
    }
    // signed with the token of the account that sent the page: the primary's or the fallback's
    String token = paging.twilioAuthToken(form.get("AccountSid"));
    if (token == null) {
      log.warn("{} refused from {}: AccountSid {} is none of the configured Twilio accounts", r.path(), r.remote(),
          form.get("AccountSid") == null ? "missing" : masked(form.get("AccountSid")));
      return Response.error(HttpResponseStatus.FORBIDDEN, "AccountSid is missing or not a configured Twilio account");
    }
    String url = paging.publicUrl() + r.uri();
    if (signature == null || !new RequestValidator(token).validate(url, form, signature)) {
      log.warn("{} refused from {}: {} X-Twilio-Signature for {}", r.path(), r.remote(),
          signature == null ? "no" : "invalid", url);
      return Response.error(HttpResponseStatus.FORBIDDEN, "invalid or missing X-Twilio-Signature");
    }
    return null;
  }

  private static Response ack(Request r, PagingControl paging) throws Exception {
    Response refused = unauthorized(r, paging);
    if (refused != null) {
      return refused;
    }
    Long id = pathId(r);
    if (id == null) {
      return Response.error(HttpResponseStatus.BAD_REQUEST, "alert id must be a number, e.g. /alerts/17/ack");
    }
    PagingControl.Ack a = paging.ack(id, "api");
    HttpResponseStatus status = switch (a.status()) {
      case UNKNOWN -> HttpResponseStatus.NOT_FOUND;
      case ALREADY_RESOLVED -> HttpResponseStatus.CONFLICT;
      default -> HttpResponseStatus.OK;
    };
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("id", id);
    body.put("result", a.status().name().toLowerCase(java.util.Locale.ROOT));
    body.put("message", a.message());
    return Response.json(status, body);
  }

  private static Response silence(Request r, PagingControl paging) throws Exception {
    Response refused = unauthorized(r, paging);
    if (refused != null) {
      return refused;
    }
    JsonNode body;
    try {
      body = JSON.readTree(r.bodyText());
    } catch (Exception e) {
      body = null;
    }
    String subject = body == null ? "" : body.path("subject").asText("");
    String length = body == null ? "" : body.path("for").asText("");
    String reason = body == null ? "" : body.path("reason").asText("");
    Duration d = Durations.parse(length);
    if (subject.isBlank() || d == null || reason.isBlank()) {
      return Response.error(HttpResponseStatus.BAD_REQUEST,
          "send JSON {\"subject\": PIPELINE, \"for\": \"2h\", \"reason\": \"...\"}; for is like 30m, 2h, 1d");
    }
    if (d.compareTo(SHORTEST_SILENCE) < 0 || d.compareTo(LONGEST_SILENCE) > 0) {
      return Response.error(HttpResponseStatus.BAD_REQUEST, "for must be between " + Durations.write(SHORTEST_SILENCE)
          + " and " + Durations.write(LONGEST_SILENCE) + ", found " + length.strip()
          + "; a silence is a maintenance window (to stop watching a pipeline for longer, remove it from the config)");
    }
    PagingControl.SilenceChange c = paging.silence(subject, d, reason, "api");
    return silenceAnswer(c, c.status() == PagingControl.SilenceStatus.SILENCED ? HttpResponseStatus.CREATED
        : HttpResponseStatus.NOT_FOUND);
  }

  private static Response endSilence(Request r, PagingControl paging) throws Exception {
    Response refused = unauthorized(r, paging);
    if (refused != null) {
      return refused;
    }
    Long id = pathId(r);
    if (id == null) {
      return Response.error(HttpResponseStatus.BAD_REQUEST, "silence id must be a number, e.g. DELETE /silences/3");
    }
    PagingControl.SilenceChange c = paging.endSilence(id, "api");
    return silenceAnswer(c, switch (c.status()) {
      case ENDED -> HttpResponseStatus.OK;
      case ALREADY_OVER -> HttpResponseStatus.CONFLICT;
      default -> HttpResponseStatus.NOT_FOUND;
    });
  }

  private static Response testPage(Request r, PagingControl paging) throws Exception {
    Response refused = unauthorized(r, paging);
    if (refused != null) {
      return refused;
    }
    JsonNode body;
    try {
      body = r.bodyText().isBlank() ? JSON.createObjectNode() : JSON.readTree(r.bodyText());
    } catch (Exception e) {
      body = null;
    }
    if (body == null || !body.isObject() || (body.has("to") && !body.get("to").isTextual())
        || (body.has("call") && !body.get("call").isBoolean())) {
      return Response.error(HttpResponseStatus.BAD_REQUEST,
          "send JSON {\"to\": NAME, \"call\": true|false}; both are optional (default: the first on call, SMS only)");
    }
    String to = body.has("to") ? body.get("to").asText() : null;
    PagingControl.TestPageRequest t = paging.testPage(to, body.path("call").asBoolean(false), "api");
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("result", t.status().name().toLowerCase(java.util.Locale.ROOT));
    answer.put("message", t.message());
    answer.put("tests", t.tests());
    return Response.json(switch (t.status()) {
      case SENDING -> HttpResponseStatus.ACCEPTED;
      case UNKNOWN_PERSON -> HttpResponseStatus.NOT_FOUND;
      case NO_ONCALL -> HttpResponseStatus.CONFLICT;
    }, answer);
  }

  private static Response testPageState(Request r, PagingControl paging) throws Exception {
    Response refused = unauthorized(r, paging);
    if (refused != null) {
      return refused;
    }
    Long id = pathId(r);
    if (id == null) {
      return Response.error(HttpResponseStatus.BAD_REQUEST, "test page id must be a number, e.g. /paging/test/3");
    }
    java.util.Optional<io.oobwatch.watchdog.status.PagingStatus.TestPage> t = paging.testPage(id);
    return t.isPresent() ? Response.json(HttpResponseStatus.OK, t.get())
        : Response.error(HttpResponseStatus.NOT_FOUND, "there is no test page " + id);
  }

  /** {"result": "silenced" | "ended" | "already_over" | "unknown", "message": ...}. */
  private static Response silenceAnswer(PagingControl.SilenceChange c, HttpResponseStatus status) throws Exception {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("result", c.status().name().toLowerCase(java.util.Locale.ROOT));
    body.put("message", c.message());
    return Response.json(status, body);
  }

  /** The {id} of the path as a number; null when it is not one. */
  private static Long pathId(Request r) {
    try {
      return Long.parseLong(r.pathParams().get("id"));
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** An account SID for a log line: its last 4 characters. */
  private static String masked(String sid) {
    return sid.length() <= 4 ? "****" : "****" + sid.substring(sid.length() - 4);
  }

  private static Response unauthorized(Request r, PagingControl paging) {
    if (paging.apiToken() == null) {
      return Response.error(HttpResponseStatus.SERVICE_UNAVAILABLE,
          "no API token configured; set http.api_token_file to enable acknowledging, silencing and test pages over HTTP");
    }
    String header = r.headers().get("Authorization");
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return Response.error(HttpResponseStatus.UNAUTHORIZED, "send Authorization: Bearer TOKEN (http.api_token_file)")
          .withHeader("WWW-Authenticate", "Bearer");
    }
    byte[] given = header.substring(7).strip().getBytes(StandardCharsets.UTF_8);
    if (!MessageDigest.isEqual(given, paging.apiToken().getBytes(StandardCharsets.UTF_8))) {
      log.warn("{} {} refused from {}: wrong API token", r.method(), r.path(), r.remote());
      return Response.error(HttpResponseStatus.FORBIDDEN, "wrong API token");
    }
    return null;
  }

  /** Form parameters of an x-www-form-urlencoded body (first value of each name). */
  private static Map<String, String> form(Request r) {
    Map<String, String> out = new HashMap<>();
    QueryStringDecoder d = new QueryStringDecoder(r.bodyText(), StandardCharsets.UTF_8, false);
    d.parameters().forEach((k, v) -> out.put(k, v.isEmpty() ? "" : v.get(0)));
    return out;
  }

  private static Response twiml(String xml) {
    return new Response(HttpResponseStatus.OK, TWIML, xml.getBytes(StandardCharsets.UTF_8), Map.of());
  }
}
