package io.oobwatch.watchdog.page;

import com.twilio.exception.ApiException;
import com.twilio.http.TwilioRestClient;
import com.twilio.http.HttpMethod;
import com.twilio.rest.api.v2010.account.Call;
import com.twilio.rest.api.v2010.account.CallCreator;
import com.twilio.rest.api.v2010.account.Message;
import com.twilio.rest.api.v2010.account.MessageCreator;
import com.twilio.twiml.VoiceResponse;
import com.twilio.twiml.voice.Gather;
import com.twilio.twiml.voice.Say;
import com.twilio.type.PhoneNumber;
import com.twilio.type.Twiml;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * SMS and calls through Twilio's REST API with the official twilio-sdk, one attempt per {@link #send} (see
 * {@link TwilioHttp} for how the SDK's own retries are switched off and the api base applied).
 *
 * <p>Outcomes: Twilio's message SID; or a {@link PageException} that is retryable for 429, 5xx, a
 * network error or a timeout, and not retryable for the 4xx answers a retry cannot fix (21211
 * invalid number, 21610 recipient sent STOP, 21614 not a mobile number, 20003 bad credentials, and
 * any other 4xx), carrying Twilio's error code. A timeout is retryable although Twilio may have
 * accepted the message: a duplicate page is better than a missed one. Exception messages never
 * contain the auth token. Thread-safe.
 */
public final class TwilioPager implements Pager {
  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
  /** Messages looked through for an outbox key after a restart. */
  static final int LOOKUP_LIMIT = 200;

  private final TwilioConfig cfg;
  private final PhoneNumber from;
  private final TwilioRestClient client;
  private final String statusCallback;

  public TwilioPager(TwilioConfig cfg) {
    this(cfg, (String) null);
  }

  /**
   * @param statusCallback where Twilio posts each message's and call's status changes
   *     ({@code {public_url}/twilio/status}); null asks for none (delivery is then only looked up)
   */
  public TwilioPager(TwilioConfig cfg, String statusCallback) {
    this(cfg, DEFAULT_TIMEOUT, statusCallback);
  }

  /** @param timeout bound on connecting, and separately on the whole answer */
  TwilioPager(TwilioConfig cfg, Duration timeout) {
    this(cfg, timeout, null);
  }

  TwilioPager(TwilioConfig cfg, Duration timeout, String statusCallback) {
    this.cfg = Objects.requireNonNull(cfg, "cfg");
    this.statusCallback = statusCallback;
    this.from = new PhoneNumber(cfg.from());
    this.client =
        new TwilioRestClient.Builder(cfg.accountSid(), cfg.authToken())
            .httpClient(new TwilioHttp(cfg.apiBase(), timeout))
            .userAgentExtensions(List.of("oobwatch"))
            .build();
  }

  @Override
  public String send(Page page) throws PageException {
    return once("SMS", "sent", page, () -> {
      MessageCreator m = Message.creator(new PhoneNumber(page.phone()), from, page.body());
      if (statusCallback != null) {
        m.setStatusCallback(statusCallback);
      }
      return m.create(client).getSid();
    });
  }

  /**
   * A call with inline TwiML: {@code <Say>} the page in plain words inside a
   * {@code <Gather numDigits="1">} whose action is {@code ackUrl} ("press 1 to acknowledge"), then,
   * when no key was pressed (voicemail, silence), a goodbye that acknowledges nothing. Answering-machine
   * detection is on ({@code MachineDetection=Enable}), so the call's {@code AnsweredBy} says whether a
   * person or a voicemail picked up.
   */
  @Override
  public String call(Page page, String ackUrl) throws PageException {
    return once("call", "placed", page, () -> {
      CallCreator c = Call.creator(new PhoneNumber(page.phone()), from, new Twiml(twiml(page.body(), ackUrl)))
          .setMachineDetection("Enable");
      if (statusCallback != null) {
        c.setStatusCallback(statusCallback).setStatusCallbackMethod(HttpMethod.POST)
            .setStatusCallbackEvent(List.of("initiated", "ringing", "answered", "completed"));
      }
      return c.create(client).getSid();
    });
  }

  /** Looks the message or call up by SID ({@code GET .../Messages/{Sid}.json}, {@code .../Calls/{Sid}.json}). */
  @Override
  public Receipt receipt(String sid, boolean call) throws PageException {
    String what = call ? "call" : "SMS";
    try {
      if (call) {
        Call c = Call.fetcher(sid).fetch(client);
        return Receipt.call(c.getStatus() == null ? null : c.getStatus().toString(), null, c.getAnsweredBy());
      }
      Message m = Message.fetcher(sid).fetch(client);
      return Receipt.sms(m.getStatus() == null ? null : m.getStatus().toString(), m.getErrorCode());
    } catch (TwilioHttp.Unreachable e) {
      throw new PageException(scrub("status of " + what + " " + sid + " not known: " + e.getMessage()), true, 0, e);
    } catch (ApiException e) {
      int code = e.getCode() == null ? 0 : e.getCode();
      throw new PageException(scrub("status of " + what + " " + sid + " not known: twilio answered HTTP "
          + e.getStatusCode() + (code == 0 ? "" : ", code " + code)), true, code, e);
    } catch (RuntimeException e) {
      throw new PageException("status of " + what + " " + sid + " not known: twilio-sdk failed ("
          + e.getClass().getSimpleName() + ")", true, 0, e);
    }
  }

  /** One request through the SDK, its outcome judged the same way for messages and calls. */
  private String once(String what, String done, Page page, java.util.function.Supplier<String> create)
      throws PageException {
    String sid;
    try {
      sid = create.get();
    } catch (TwilioHttp.Unreachable e) {
      throw new PageException(
          scrub(what + " to " + page.phone() + " not " + done + ": " + e.getMessage()), true, 0, e);
    } catch (ApiException e) {
      throw rejected(what, page, e);
    } catch (RuntimeException e) {
      throw new PageException(
          what + " to " + page.phone() + " not " + done + ": twilio-sdk failed (" + e.getClass().getSimpleName()
              + ")", false, 0, e);
    }
    if (sid == null) {
      throw new PageException(
          "twilio accepted the " + what + " to " + page.phone() + " but returned no id; not"
              + " retrying, it may have been " + done, false, 0);
    }
    return sid;
  }

  /**
   * Looks through the messages sent to {@code phone} since {@code since} (Twilio's list, {@code GET
   * Messages.json?To=...&DateSent>=...}, newest first, at most {@link #LOOKUP_LIMIT}) for one whose
   * body holds {@code key}. A message still queued has no send date yet and is not listed, so this
   * is asked only after a restart, when such a message has long been sent.
   */
  @Override
  public Optional<String> sentBefore(String phone, Instant since, String key) throws PageException {
    try {
      int seen = 0;
      for (Message m : Message.reader().setTo(new PhoneNumber(phone))
          .setDateSentAfter(since.atZone(ZoneOffset.UTC)).setPageSize(50L).read(client)) {
        if (m.getBody() != null && m.getBody().contains(key)) {
          return Optional.of(m.getSid());
        }
        if (++seen >= LOOKUP_LIMIT) {
          break;
        }
      }
      return Optional.empty();
    } catch (TwilioHttp.Unreachable e) {
      throw new PageException(scrub("cannot list the messages sent to " + phone + ": " + e.getMessage()), true, 0, e);
    } catch (ApiException e) {
      throw new PageException(scrub("twilio refused to list the messages sent to " + phone + ": " + twilioSays(e,
          e.getStatusCode() == null ? 0 : e.getStatusCode())), true, e.getCode() == null ? 0 : e.getCode(), e);
    } catch (RuntimeException e) {
      throw new PageException("cannot list the messages sent to " + phone + ": twilio-sdk failed ("
          + e.getClass().getSimpleName() + ")", false, 0, e);
    }
  }

  /** The TwiML of a page call. */
  static String twiml(String spoken, String ackUrl) {
    VoiceResponse.Builder r = new VoiceResponse.Builder();
    Say said = new Say.Builder(spoken).build();
    if (ackUrl == null) {
      r.say(said).say(new Say.Builder("Acknowledge by replying to the text message. Goodbye.").build());
    } else {
      r.gather(new Gather.Builder().numDigits(1).timeout(8).action(ackUrl).method(HttpMethod.POST)
          .say(said).say(new Say.Builder("Press 1 to acknowledge.").build()).build());
      r.say(new Say.Builder("No key was pressed. The alert stays open. Goodbye.").build());
    }
    return r.build().toXml();
  }

  @Override
  public String describe() {
    return "twilio SMS and calls from " + cfg.from() + " via " + cfg.apiBase();
  }

  private PageException rejected(String what, Page page, ApiException e) {
    Integer status = e.getStatusCode();
    int code = e.getCode() == null ? 0 : e.getCode();
    String to = page.phone();
    String codeText = code == 0 ? "" : ", code " + code;
    if (status == null) {
      // TwilioHttp gives every error answer a status, so this is a success answer the SDK could
      // not read: the message was probably accepted, and sending again would duplicate it.
      return new PageException(
          "twilio answered the " + what + " to " + to + " but the answer could not be read; not retrying,"
              + " it may have been sent", false, code, e);
    }
    if (status == 429) {
      return new PageException(
          "twilio at " + cfg.apiBase() + " is rate limiting (HTTP 429" + codeText + "); " + what + " to "
              + to + " not sent, retryable", true, code, e);
    }
    if (status >= 500) {
      return new PageException(
          "twilio at " + cfg.apiBase() + " failed with HTTP " + status + codeText + "; " + what + " to "
              + to + " not sent, retryable", true, code, e);
    }
    if (status == 401 || code == 20003) {
      return new PageException(
          "twilio rejected the credentials for account " + maskedSid() + " (20003): check the"
              + " account sid and auth token", false, code == 0 ? 20003 : code, e);
    }
    String reason =
        switch (code) {
          case 21211 -> "invalid 'To' number";
          case 21610 -> "the recipient unsubscribed (replied STOP)";
          case 21614 -> "not a mobile number";
          case 21408 -> "SMS to that region is not enabled on the account";
          case 21612 -> "that route cannot be reached from the 'From' number";
          case 21212, 21606, 21659, 21660 -> "the 'From' number " + cfg.from() + " cannot send SMS";
          case 21617 -> "message body too long";
          default -> twilioSays(e, status);
        };
    return new PageException(
        scrub("twilio rejected " + to + ": " + reason + " (" + (code == 0 ? "HTTP " + status : code)
            + ")"), false, code, e);
  }

  private static String twilioSays(ApiException e, int status) {
    String said = e.getMessage() == null ? "" : e.getMessage().strip();
    if (said.length() > 200) {
      said = said.substring(0, 200) + "...";
    }
    return said.isEmpty() ? "HTTP " + status : said;
  }

  private String maskedSid() {
    String sid = cfg.accountSid();
    return sid.length() <= 4 ? "****" : "****" + sid.substring(sid.length() - 4);
  }

  // Defense in depth: no text that reaches a log may carry the token, whatever Twilio echoed.
  private String scrub(String message) {
    return message.replace(cfg.authToken(), "****");
  }
}
