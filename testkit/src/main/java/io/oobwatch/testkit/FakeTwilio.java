package io.oobwatch.testkit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Twilio's REST API for sending SMS and placing calls, as a loopback HTTP server, checking what the
 * real service checks: HTTP Basic auth as {@code AccountSid:AuthToken}, the account in the path,
 * the method, the form parameters and the phone number format. Answers carry Twilio's status codes
 * and error JSON ({@code {"code":21211,"message":...,"more_info":...,"status":400}}).
 *
 * <p>Endpoints: {@code POST /2010-04-01/Accounts/{AccountSid}/Messages.json} (To, From, Body,
 * optional StatusCallback) and {@code POST /2010-04-01/Accounts/{AccountSid}/Calls.json} (To, From,
 * and Twiml, Url or ApplicationSid; optional StatusCallback, StatusCallbackEvent, MachineDetection);
 * {@code GET .../Messages/{Sid}.json} and {@code GET .../Calls/{Sid}.json} answer the resource as it
 * stands now. Anything else is a Twilio-style 404.
 *
 * <p>Delivery, as Twilio reports it: after a 201 each message goes through Twilio's documented
 * statuses, one every {@link #statusStep} (20 ms unless set): queued → sent → delivered, or
 * undelivered/failed with an {@code ErrorCode}; each call queued → initiated → ringing →
 * in-progress → completed (with {@code AnsweredBy} when MachineDetection was asked for), or
 * no-answer, busy or failed. How it ends is set per number ({@link #endMessagesTo},
 * {@link #endCallsTo}); by default messages are delivered and calls answered by a person. With a
 * {@code StatusCallback}, every status after queued is POSTed there (calls: the events asked for in
 * {@code StatusCallbackEvent}, by default only the final one), form-encoded and signed with
 * {@code X-Twilio-Signature} by the account's auth token, as Twilio does ({@link #callbacks}); a
 * callback URL that is not on loopback is recorded with its signature but not sent.
 *
 * <p>{@code GET .../Messages.json} lists the account's messages newest first, as
 * Twilio does: filtered by {@code To}, {@code From}, {@code DateSent}, {@code DateSent<} and
 * {@code DateSent>} (a day {@code 2026-11-27}, or an instant {@code 2026-11-27T03:00:00}, UTC, or
 * with an offset; both inclusive), {@code PageSize} (default 50) and {@code Page}, with Twilio's paging fields
 * ({@code first_page_uri}, {@code next_page_uri}, {@code page}, ...). A message counts as sent the
 * instant it was accepted. Anything else is a Twilio-style 404.
 *
 * <p>Scripted trouble: {@link #failNext} answers the next request with an error before looking at
 * it (nothing is delivered); {@link #stallNext} holds the next request without answering until
 * {@link #close}, for read-timeout tests. Thread-safe.
 */
public final class FakeTwilio implements AutoCloseable {

  /** An SMS that the fake accepted (answered 201). */
  public record Message(String sid, String to, String from, String body) {}

  /** A call that the fake accepted (answered 201); {@code twiml} or {@code url} may be null. */
  public record Call(String sid, String to, String from, String twiml, String url) {}

  /** How a message to a number ends: its final status and error code (0 for none). */
  public record SmsEnd(String status, int errorCode) {
    public static final SmsEnd DELIVERED = new SmsEnd("delivered", 0);
    /** The carrier never sends a receipt: the message stays "sent". */
    public static final SmsEnd NO_RECEIPT = new SmsEnd("sent", 0);

    public static SmsEnd undelivered(int errorCode) {
      return new SmsEnd("undelivered", errorCode);
    }

    public static SmsEnd failed(int errorCode) {
      return new SmsEnd("failed", errorCode);
    }
  }

  /** How a call to a number ends. */
  public enum CallEnd {
    /** A person picks up; AnsweredBy human. */
    HUMAN,
    /** Voicemail picks up; AnsweredBy machine_end_beep. */
    MACHINE,
    NO_ANSWER,
    BUSY,
    FAILED
  }

  /**
   * A status callback the fake POSTed: the URL, the form, its signature, and the answer (0: none, or
   * not sent because the URL is not on loopback).
   */
  public record Callback(String url, Map<String, String> params, String signature, int answer) {}

  private static final Pattern ACCOUNT_PATH =
      Pattern.compile("^/2010-04-01/Accounts/([^/]+)/(Messages|Calls)(?:/([A-Za-z0-9]+))?\\.json$");
  // Twilio's E.164: a '+', a non-zero country code digit, at most 15 digits in all.
  private static final Pattern E164 = Pattern.compile("^\\+[1-9][0-9]{1,14}$");
  private static final int MAX_BODY_CHARS = 1600;
  private static final DateTimeFormatter RFC_2822 =
      DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss Z", Locale.US);
  private static final ObjectMapper JSON = new ObjectMapper();

  private record Failure(int status, int code) {}

  private final String accountSid;
  private final String authToken;
  private final HttpServer server;
  private final ExecutorService executor;
  private final ConcurrentLinkedDeque<Failure> failures = new ConcurrentLinkedDeque<>();
  private final AtomicInteger stalls = new AtomicInteger();
  private final CountDownLatch closing = new CountDownLatch(1);
  private final List<Message> delivered = new CopyOnWriteArrayList<>();
  private final List<Call> calls = new CopyOnWriteArrayList<>();
  private final AtomicInteger requests = new AtomicInteger();
  private final Map<String, Integer> rejected = new java.util.concurrent.ConcurrentHashMap<>();
  private final List<Long> arrivals = new CopyOnWriteArrayList<>();
  private final Map<String, SmsEnd> smsEnds = new java.util.concurrent.ConcurrentHashMap<>();
  private final Map<String, CallEnd> callEnds = new java.util.concurrent.ConcurrentHashMap<>();
  /** Each message's and call's resource as it stands now, by SID. */
  private final Map<String, Map<String, Object>> resources = new java.util.concurrent.ConcurrentHashMap<>();
  private final List<Callback> callbacks = new CopyOnWriteArrayList<>();
  private final java.util.concurrent.ScheduledExecutorService statuses =
      Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "fake-twilio-status");
        t.setDaemon(true);
        return t;
      });
  private final java.net.http.HttpClient callbackHttp = java.net.http.HttpClient.newBuilder()
      .connectTimeout(java.time.Duration.ofSeconds(1)).build();
  private volatile java.time.Duration statusStep = java.time.Duration.ofMillis(20);
  /** What the list endpoint shows of each accepted message, oldest first. */
  private final List<Map<String, Object>> listed = new CopyOnWriteArrayList<>();

  private FakeTwilio(String accountSid, String authToken) throws IOException {
    this.accountSid = accountSid;
    this.authToken = authToken;
    this.server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    this.executor =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "fake-twilio");
              t.setDaemon(true);
              return t;
            });
    server.setExecutor(executor);
    server.createContext("/", this::handle);
  }

  /** Starts a fake for one account on a free loopback port. */
  public static FakeTwilio start(String accountSid, String authToken) {
    try {
      FakeTwilio fake = new FakeTwilio(accountSid, authToken);
      fake.server.start();
      return fake;
    } catch (IOException e) {
      throw new UncheckedIOException("fake twilio could not bind a loopback port", e);
    }
  }

  /** "http://127.0.0.1:PORT", to use as the pager's api base. */
  public String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  public String accountSid() {
    return accountSid;
  }

  /** The auth token requests must be signed and authenticated with. */
  public String authToken() {
    return authToken;
  }

  /**
   * Answers the next request with {@code httpStatus} and Twilio error {@code code}, before it is
   * authenticated or accepted: nothing is delivered. Calls queue up, one failure per request.
   */
  public void failNext(int httpStatus, int code) {
    failures.addLast(new Failure(httpStatus, code));
  }

  /**
   * From now on, answers every message or call to {@code number} with Twilio's error {@code code}
   * (HTTP 400), as Twilio does for a number that is invalid (21211), unsubscribed (21610) or not a
   * mobile (21614).
   */
  public void rejectNumber(String number, int code) {
    rejected.put(number, code);
  }

  /** From now on, messages to {@code number} end this way (default: delivered). */
  public void endMessagesTo(String number, SmsEnd end) {
    smsEnds.put(number, end);
  }

  /** From now on, calls to {@code number} end this way (default: a person answers). */
  public void endCallsTo(String number, CallEnd end) {
    callEnds.put(number, end);
  }

  /** The time between two statuses of a message or call (default 20 ms). */
  public void statusStep(java.time.Duration step) {
    statusStep = step;
  }

  /** The status callbacks POSTed so far, oldest first. */
  public List<Callback> callbacks() {
    return List.copyOf(callbacks);
  }

  /** The current status of a message or call ("sent", "no-answer"), or null for an unknown SID. */
  public String status(String sid) {
    Map<String, Object> r = resources.get(sid);
    return r == null ? null : (String) r.get("status");
  }

  /** {@link System#nanoTime()} at which each request arrived, oldest first. */
  public List<Long> arrivals() {
    return List.copyOf(arrivals);
  }

  /** Holds the next request without answering until {@link #close}; nothing is delivered. */
  public void stallNext() {
    stalls.incrementAndGet();
  }

  /** Accepted messages, oldest first. */
  public List<Message> delivered() {
    return List.copyOf(delivered);
  }

  /** Accepted calls, oldest first. */
  public List<Call> calls() {
    return List.copyOf(calls);
  }

  /** Every request received, answered or not, on any path. */
  public int requests() {
    return requests.get();
  }

  @Override
  public void close() {
    closing.countDown();
    statuses.shutdownNow();
    server.stop(0);
    executor.shutdownNow();
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      arrivals.add(System.nanoTime());
      requests.incrementAndGet();
      if (takeStall()) {
        awaitClose();
        return;
      }
      Failure failure = failures.pollFirst();
      if (failure != null) {
        error(ex, failure.status(), failure.code(), messageFor(failure.code(), null));
        return;
      }
      String path = ex.getRequestURI().getPath();
      Matcher m = ACCOUNT_PATH.matcher(path);
      if (!m.matches()) {
        error(ex, 404, 20404, "The requested resource " + path + " was not found");
        return;
      }
      if (!authenticated(ex, m.group(1))) {
        ex.getResponseHeaders().set("WWW-Authenticate", "Basic realm=\"Twilio API\"");
        error(ex, 401, 20003, "Authenticate");
        return;
      }
      if (m.group(3) != null) {
        fetch(ex, m.group(3));
        return;
      }
      if ("GET".equals(ex.getRequestMethod()) && m.group(2).equals("Messages")) {
        listMessages(ex);
        return;
      }
      if (!"POST".equals(ex.getRequestMethod())) {
        ex.getResponseHeaders().set("Allow", "GET, POST");
        error(ex, 405, 20004, "Method not allowed");
        return;
      }
      Map<String, String> form = form(ex);
      Integer refusal = form.get("To") == null ? null : rejected.get(form.get("To"));
      if (refusal != null) {
        error(ex, 400, refusal, messageFor(refusal, form.get("To")));
        return;
      }
      if (m.group(2).equals("Messages")) {
        createMessage(ex, form);
      } else {
        createCall(ex, form);
      }
    }
  }

  private boolean takeStall() {
    return stalls.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0;
  }

  private void awaitClose() {
    try {
      closing.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  // The path's account must be the authenticated one: subaccount or foreign credentials get 20003.
  private boolean authenticated(HttpExchange ex, String pathSid) {
    String header = ex.getRequestHeaders().getFirst("Authorization");
    if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
      return false;
    }
    String decoded;
    try {
      decoded =
          new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return false;
    }
    return decoded.equals(accountSid + ":" + authToken) && pathSid.equals(accountSid);
  }

  private void createMessage(HttpExchange ex, Map<String, String> form) throws IOException {
    String to = form.get("To");
    String from = form.get("From");
    String body = form.get("Body");
    if (blank(to)) {
      error(ex, 400, 21604, "A 'To' phone number is required.");
    } else if (blank(from)) {
      error(ex, 400, 21603, "A 'From' phone number is required.");
    } else if (blank(body)) {
      error(ex, 400, 21602, "Message body is required.");
    } else if (!E164.matcher(to).matches()) {
      error(ex, 400, 21211, messageFor(21211, to));
    } else if (!E164.matcher(from).matches()) {
      error(ex, 400, 21212, messageFor(21212, from));
    } else if (body.length() > MAX_BODY_CHARS) {
      error(ex, 400, 21617, messageFor(21617, null));
    } else {
      String sid = sid("SM");
      String uri = "/2010-04-01/Accounts/" + accountSid + "/Messages/" + sid + ".json";
      String now = RFC_2822.format(ZonedDateTime.now(ZoneOffset.UTC));
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("account_sid", accountSid);
      json.put("api_version", "2010-04-01");
      json.put("body", body);
      json.put("date_created", now);
      json.put("date_sent", null);
      json.put("date_updated", now);
      json.put("direction", "outbound-api");
      json.put("error_code", null);
      json.put("error_message", null);
      json.put("from", from);
      json.put("messaging_service_sid", null);
      json.put("num_media", "0");
      json.put("num_segments", Integer.toString(FakeTwilioSegments.count(body)));
      json.put("price", null);
      json.put("price_unit", "USD");
      json.put("sid", sid);
      json.put("status", "queued");
      json.put("subresource_uris", Map.of("media", uri.replace(".json", "/Media.json")));
      json.put("to", to);
      json.put("uri", uri);
      Map<String, Object> sent = new LinkedHashMap<>(json);
      sent.put("date_sent", now);
      sent.put("status", "sent");
      sent.put("sent_at_millis", System.currentTimeMillis());
      listed.add(sent);
      delivered.add(new Message(sid, to, from, body));
      resources.put(sid, json);
      send(ex, 201, json);
      SmsEnd end = smsEnds.getOrDefault(to, SmsEnd.DELIVERED);
      List<String> steps = end.status().equals("sent") ? List.of("sent")
          : end.status().equals("failed") ? List.of("failed") : List.of("sent", end.status());
      progress(sid, steps, form.get("StatusCallback"), null, end.errorCode(), null);
    }
  }

  private void createCall(HttpExchange ex, Map<String, String> form) throws IOException {
    String to = form.get("To");
    String from = form.get("From");
    String twiml = form.get("Twiml");
    String url = form.get("Url");
    if (blank(to)) {
      error(ex, 400, 21201, "No 'To' number is specified");
    } else if (blank(from)) {
      error(ex, 400, 21213, "No 'From' number is specified");
    } else if (blank(twiml) && blank(url) && blank(form.get("ApplicationSid"))) {
      error(ex, 400, 21205, "A 'Url', 'Twiml' or 'ApplicationSid' parameter is required.");
    } else if (!E164.matcher(to).matches()) {
      error(ex, 400, 21211, messageFor(21211, to));
    } else if (!E164.matcher(from).matches()) {
      error(ex, 400, 21212, messageFor(21212, from));
    } else {
      String sid = sid("CA");
      String uri = "/2010-04-01/Accounts/" + accountSid + "/Calls/" + sid + ".json";
      String now = RFC_2822.format(ZonedDateTime.now(ZoneOffset.UTC));
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("account_sid", accountSid);
      json.put("annotation", null);
      json.put("answered_by", null);
      json.put("api_version", "2010-04-01");
      json.put("caller_name", null);
      json.put("date_created", now);
      json.put("date_updated", now);
      json.put("direction", "outbound-api");
      json.put("duration", null);
      json.put("end_time", null);
      json.put("forwarded_from", null);
      json.put("from", from);
      json.put("from_formatted", from);
      json.put("group_sid", null);
      json.put("parent_call_sid", null);
      json.put("phone_number_sid", null);
      json.put("price", null);
      json.put("price_unit", "USD");
      json.put("queue_time", "0");
      json.put("sid", sid);
      json.put("start_time", null);
      json.put("status", "queued");
      json.put("subresource_uris", Map.of("notifications", uri.replace(".json", "/Notifications.json")));
      json.put("to", to);
      json.put("to_formatted", to);
      json.put("trunk_sid", null);
      json.put("uri", uri);
      calls.add(new Call(sid, to, from, blank(twiml) ? null : twiml, blank(url) ? null : url));
      resources.put(sid, json);
      send(ex, 201, json);
      CallEnd end = callEnds.getOrDefault(to, CallEnd.HUMAN);
      List<String> steps = switch (end) {
        case HUMAN, MACHINE -> List.of("initiated", "ringing", "in-progress", "completed");
        case NO_ANSWER -> List.of("initiated", "ringing", "no-answer");
        case BUSY -> List.of("initiated", "ringing", "busy");
        case FAILED -> List.of("initiated", "failed");
      };
      boolean amd = "Enable".equalsIgnoreCase(form.get("MachineDetection"))
          || "DetectMessageEnd".equalsIgnoreCase(form.get("MachineDetection"));
      String answeredBy = !amd ? null : end == CallEnd.MACHINE ? "machine_end_beep" : "human";
      String events = form.getOrDefault("StatusCallbackEvent", "completed");
      progress(sid, steps, form.get("StatusCallback"), events, 0, answeredBy);
    }
  }

  private void listMessages(HttpExchange ex) throws IOException {
    Map<String, String> q = query(ex.getRequestURI().getRawQuery());
    long after;
    long before;
    int pageSize;
    int page;
    try {
      long[] on = q.containsKey("DateSent") ? span(q.get("DateSent")) : new long[] {Long.MIN_VALUE, Long.MAX_VALUE};
      after = Math.max(on[0], q.containsKey("DateSent>") ? span(q.get("DateSent>"))[0] : Long.MIN_VALUE);
      before = Math.min(on[1], q.containsKey("DateSent<") ? span(q.get("DateSent<"))[1] : Long.MAX_VALUE);
      pageSize = Integer.parseInt(q.getOrDefault("PageSize", "50"));
      page = Integer.parseInt(q.getOrDefault("Page", "0"));
    } catch (RuntimeException e) {
      error(ex, 400, 20001, "Invalid query parameter: " + e.getMessage());
      return;
    }
    if (pageSize < 1 || pageSize > 1000 || page < 0) {
      error(ex, 400, 20001, "PageSize must be between 1 and 1000, Page at least 0");
      return;
    }
    List<Map<String, Object>> match = new java.util.ArrayList<>();
    for (int i = listed.size() - 1; i >= 0; i--) {
      Map<String, Object> msg = listed.get(i);
      long at = (Long) msg.get("sent_at_millis");
      if ((q.get("To") == null || q.get("To").equals(msg.get("to")))
          && (q.get("From") == null || q.get("From").equals(msg.get("from"))) && at >= after && at <= before) {
        Map<String, Object> shown = new LinkedHashMap<>(msg);
        shown.remove("sent_at_millis");
        match.add(shown);
      }
    }
    int start = Math.min(page * pageSize, match.size());
    int end = Math.min(start + pageSize, match.size());
    String base = "/2010-04-01/Accounts/" + accountSid + "/Messages.json";
    String filters = filters(q);
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("end", Math.max(end - 1, start));
    json.put("first_page_uri", base + "?" + filters + "PageSize=" + pageSize + "&Page=0");
    json.put("messages", match.subList(start, end));
    json.put("next_page_uri", end < match.size()
        ? base + "?" + filters + "PageSize=" + pageSize + "&Page=" + (page + 1) + "&PageToken=PA" + end : null);
    json.put("page", page);
    json.put("page_size", pageSize);
    json.put("previous_page_uri", page > 0 ? base + "?" + filters + "PageSize=" + pageSize + "&Page=" + (page - 1) : null);
    json.put("start", start);
    json.put("uri", base + "?" + filters + "PageSize=" + pageSize + "&Page=" + page);
    send(ex, 200, json);
  }

  // the filters of a list request, to repeat in its paging URIs
  private static String filters(Map<String, String> q) {
    StringBuilder b = new StringBuilder();
    for (String k : List.of("To", "From", "DateSent", "DateSent<", "DateSent>")) {
      if (q.containsKey(k)) {
        b.append(java.net.URLEncoder.encode(k, StandardCharsets.UTF_8)).append('=')
            .append(java.net.URLEncoder.encode(q.get(k), StandardCharsets.UTF_8)).append('&');
      }
    }
    return b.toString();
  }

  /** The first and last millisecond a DateSent value covers: a whole UTC day, or one instant. */
  private static long[] span(String value) {
    if (value.length() == 10) {
      long day = java.time.LocalDate.parse(value).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
      return new long[] {day, day + 86_400_000L - 1};
    }
    // twilio-sdk sends "2026-11-27T03:00:00" (UTC, no zone); others send an offset or a Z
    long at = (value.length() == 19 ? java.time.LocalDateTime.parse(value).toInstant(ZoneOffset.UTC)
        : java.time.OffsetDateTime.parse(value).toInstant()).toEpochMilli();
    return new long[] {at, at};
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> q = new HashMap<>();
    if (raw == null) {
      return q;
    }
    for (String pair : raw.split("&")) {
      if (!pair.isEmpty()) {
        int eq = pair.indexOf('=');
        q.putIfAbsent(URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8),
            eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
      }
    }
    return q;
  }

  // Twilio reads form parameters only from a form-encoded body; anything else has none.
  private static Map<String, String> form(HttpExchange ex) throws IOException {
    Map<String, String> form = new HashMap<>();
    String type = ex.getRequestHeaders().getFirst("Content-Type");
    String raw;
    try (InputStream in = ex.getRequestBody()) {
      raw = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded")) {
      return form;
    }
    for (String pair : raw.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      form.merge(name, value, (a, b) -> name.equals("StatusCallbackEvent") ? a + " " + b : a);
    }
    return form;
  }

  /**
   * Moves a message or call through {@code steps}, one every {@link #statusStep}; posts a callback
   * for each when {@code callback} is set (for calls, only the steps whose event is in {@code events}).
   */
  private void progress(String sid, List<String> steps, String callback, String events, int errorCode,
      String answeredBy) {
    boolean call = sid.startsWith("CA");
    java.time.Duration step = statusStep;
    for (int i = 0; i < steps.size(); i++) {
      String status = steps.get(i);
      boolean last = i == steps.size() - 1;
      statuses.schedule(() -> {
        Map<String, Object> json = resources.get(sid);
        Map<String, String> form;
        synchronized (json) {
          json.put("status", status);
          json.put("date_updated", RFC_2822.format(ZonedDateTime.now(ZoneOffset.UTC)));
          if (last && errorCode != 0) {
            json.put("error_code", errorCode);
            json.put("error_message", messageFor(errorCode, null));
          }
          if (call && answeredBy != null && (status.equals("in-progress") || status.equals("completed"))) {
            json.put("answered_by", answeredBy);
          }
          form = callbackForm(sid, json, call, last ? errorCode : 0);
        }
        if (callback != null && (!call || wanted(events, status))) {
          // posted off this thread so a slow receiver delays no status (Twilio does not promise their order)
          executor.execute(() -> postCallback(callback, form));
        }
      }, step.toMillis() * (i + 1), java.util.concurrent.TimeUnit.MILLISECONDS);
    }
  }

  // a call's statuses belong to the events initiated, ringing, answered (in-progress) and completed (any end)
  private static boolean wanted(String events, String status) {
    String event = switch (status) {
      case "initiated", "ringing" -> status;
      case "in-progress" -> "answered";
      default -> "completed";
    };
    return List.of(events.trim().split("\\s+")).contains(event);
  }

  private Map<String, String> callbackForm(String sid, Map<String, Object> json, boolean call, int errorCode) {
    Map<String, String> form = new LinkedHashMap<>();
    form.put("AccountSid", accountSid);
    form.put("From", (String) json.get("from"));
    form.put("To", (String) json.get("to"));
    form.put("ApiVersion", "2010-04-01");
    if (call) {
      form.put("CallSid", sid);
      form.put("CallStatus", (String) json.get("status"));
      form.put("Direction", "outbound-api");
      form.put("CallbackSource", "call-progress-events");
      if (json.get("answered_by") != null) {
        form.put("AnsweredBy", (String) json.get("answered_by"));
      }
    } else {
      form.put("MessageSid", sid);
      form.put("SmsSid", sid);
      form.put("MessageStatus", (String) json.get("status"));
      form.put("SmsStatus", (String) json.get("status"));
    }
    if (errorCode != 0) {
      form.put("ErrorCode", Integer.toString(errorCode));
    }
    return form;
  }

  private void postCallback(String url, Map<String, String> form) {
    String signature = TwilioSignature.sign(authToken, url, form);
    StringBuilder body = new StringBuilder();
    form.forEach((k, v) -> body.append(body.length() == 0 ? "" : "&")
        .append(java.net.URLEncoder.encode(k, StandardCharsets.UTF_8)).append('=')
        .append(java.net.URLEncoder.encode(v, StandardCharsets.UTF_8)));
    int answer = 0;
    String host = java.net.URI.create(url).getHost();
    if (!"127.0.0.1".equals(host) && !"localhost".equals(host) && !"[::1]".equals(host)) {
      // tests never leave the machine: a public URL's callback is recorded, not sent (answer 0)
      callbacks.add(new Callback(url, Map.copyOf(form), signature, 0));
      return;
    }
    try {
      answer = callbackHttp.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url))
              .timeout(java.time.Duration.ofSeconds(2))
              .header("Content-Type", "application/x-www-form-urlencoded")
              .header("X-Twilio-Signature", signature)
              .header("User-Agent", "TwilioProxy/1.1")
              .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body.toString())).build(),
          java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException | RuntimeException e) {
      // like Twilio: an unreachable callback URL is recorded (answer 0), the message goes on
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    callbacks.add(new Callback(url, Map.copyOf(form), signature, answer));
  }

  private void fetch(HttpExchange ex, String sid) throws IOException {
    if (!"GET".equals(ex.getRequestMethod())) {
      ex.getResponseHeaders().set("Allow", "GET, POST, DELETE");
      error(ex, 405, 20004, "Method not allowed");
      return;
    }
    Map<String, Object> json = resources.get(sid);
    if (json == null) {
      error(ex, 404, 20404, "The requested resource " + ex.getRequestURI().getPath() + " was not found");
      return;
    }
    Map<String, Object> copy;
    synchronized (json) {
      copy = new LinkedHashMap<>(json);
    }
    send(ex, 200, copy);
  }

  private static String messageFor(int code, String number) {
    return switch (code) {
      case 20003 -> "Authenticate";
      case 20429 -> "Too Many Requests";
      case 20500 -> "An internal server error has occurred";
      case 20503 -> "Service unavailable";
      case 21211 -> "Invalid 'To' Phone Number: " + (number == null ? "" : number);
      case 21212 -> "Invalid From Number (caller ID): " + (number == null ? "" : number);
      case 21408 -> "Permission to send an SMS has not been enabled for the region indicated by the 'To' number";
      case 21610 -> "Attempt to send to unsubscribed recipient";
      case 21614 -> "'To' number is not a valid mobile number";
      case 21617 -> "The concatenated message body exceeds the 1600 character limit.";
      case 30003 -> "Unreachable destination handset";
      case 30005 -> "Unknown destination handset";
      case 30006 -> "Landline or unreachable carrier";
      case 30007 -> "Message filtered";
      case 30034 -> "Message from an unregistered number";
      case 30450 -> "Message delivery blocked (SMS Pumping Protection)";
      default -> "Error " + code;
    };
  }

  private static void error(HttpExchange ex, int status, int code, String message) throws IOException {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("code", code);
    json.put("message", message);
    json.put("more_info", "https://www.twilio.com/docs/errors/" + code);
    json.put("status", status);
    send(ex, status, json);
  }

  private static void send(HttpExchange ex, int status, Map<String, Object> json) throws IOException {
    byte[] bytes;
    try {
      bytes = JSON.writeValueAsBytes(json);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("fake twilio could not write its JSON", e);
    }
    ex.getResponseHeaders().set("Content-Type", "application/json;charset=utf-8");
    ex.getResponseHeaders().set("Twilio-Request-Id", sid("RQ"));
    ex.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }

  private static String sid(String prefix) {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    return prefix + String.format("%016x%016x", r.nextLong(), r.nextLong());
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }
}
