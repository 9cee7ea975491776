package io.oobwatch.testkit;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The part of Datadog's log search syntax a watchdog uses, as {@link FakeDatadog} understands it:
 * {@code @a.b:v} (an attribute path), {@code service:v}, {@code host:v}, {@code source:v}, {@code
 * status:v} (reserved attributes), {@code key:v} otherwise (a tag), quoted values ({@code
 * @a:"x y"}), value lists ({@code @a:(x OR y)}), boolean {@code AND}/{@code OR}/{@code NOT},
 * implicit AND, parentheses, negation with {@code -}, {@code *} (everything, and as a wildcard in
 * values), and bare words (searched in {@code message}). Time bounds: {@code now}, {@code now-15m}
 * style date math (s, m, h, d, w), ISO-8601 and epoch milliseconds.
 */
public final class FakeDatadogQuery {
  private FakeDatadogQuery() {}

  /** A query Datadog would refuse with 400. */
  public static final class Invalid extends RuntimeException {
    Invalid(String message) {
      super(message);
    }
  }

  /** One stored log as the query sees it. */
  public record Log(String message, String service, String host, String source, String status,
      List<String> tags, Map<String, Object> attributes) {}

  /** The predicate for {@code query}. */
  public static Predicate<Log> parse(String query) {
    if (query == null || query.isBlank()) {
      return l -> true;
    }
    Parser p = new Parser(tokens(query));
    Predicate<Log> q = p.or();
    if (p.pos < p.tokens.size()) {
      throw new Invalid("unexpected '" + p.tokens.get(p.pos) + "' in query");
    }
    return q;
  }

  private static final Pattern DATE_MATH = Pattern.compile("now(?:([+-])(\\d+)([smhdw]))?");

  /** A {@code from}/{@code to} value: date math, ISO-8601 or epoch milliseconds. */
  public static Instant time(String value, Instant now) {
    Matcher m = DATE_MATH.matcher(value.strip());
    if (m.matches()) {
      if (m.group(1) == null) {
        return now;
      }
      long n = Long.parseLong(m.group(2));
      Duration d = switch (m.group(3)) {
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        case "h" -> Duration.ofHours(n);
        case "d" -> Duration.ofDays(n);
        default -> Duration.ofDays(7 * n);
      };
      return m.group(1).equals("-") ? now.minus(d) : now.plus(d);
    }
    if (value.matches("\\d{1,15}")) {
      return Instant.ofEpochMilli(Long.parseLong(value));
    }
    try {
      return java.time.OffsetDateTime.parse(value).toInstant();
    } catch (DateTimeParseException e) {
      throw new Invalid("invalid time '" + value + "': use now-15m, an ISO-8601 time or epoch milliseconds");
    }
  }

  private record Token(String text, boolean quoted) {
    @Override
    public String toString() {
      return text;
    }
  }

  private static List<Token> tokens(String q) {
    List<Token> out = new ArrayList<>();
    int i = 0;
    while (i < q.length()) {
      char c = q.charAt(i);
      if (Character.isWhitespace(c)) {
        i++;
      } else if (c == '(' || c == ')' || c == ':') {
        out.add(new Token(String.valueOf(c), false));
        i++;
      } else if (c == '"') {
        StringBuilder sb = new StringBuilder();
        i++;
        while (i < q.length() && q.charAt(i) != '"') {
          if (q.charAt(i) == '\\' && i + 1 < q.length()) {
            i++;
          }
          sb.append(q.charAt(i++));
        }
        if (i >= q.length()) {
          throw new Invalid("unterminated quoted value in query");
        }
        i++;
        out.add(new Token(sb.toString(), true));
      } else if (c == '-' && (out.isEmpty() || !out.get(out.size() - 1).text().equals(":"))) {
        out.add(new Token("-", false));
        i++;
      } else {
        int start = i;
        while (i < q.length() && !Character.isWhitespace(q.charAt(i)) && "():\"".indexOf(q.charAt(i)) < 0) {
          if (q.charAt(i) == '\\' && i + 1 < q.length()) {
            i++;
          }
          i++;
        }
        out.add(new Token(q.substring(start, i).replace("\\", ""), false));
      }
    }
    return out;
  }

  private static final class Parser {
    final List<Token> tokens;
    int pos;

    Parser(List<Token> tokens) {
      this.tokens = tokens;
    }

    private boolean at(String word) {
      return pos < tokens.size() && !tokens.get(pos).quoted() && tokens.get(pos).text().equals(word);
    }

    private Token next(String what) {
      if (pos >= tokens.size()) {
        throw new Invalid("query ends where " + what + " was expected");
      }
      return tokens.get(pos++);
    }

    Predicate<Log> or() {
      Predicate<Log> p = and();
      while (at("OR")) {
        pos++;
        p = p.or(and());
      }
      return p;
    }

    Predicate<Log> and() {
      Predicate<Log> p = unary();
      while (pos < tokens.size() && !at(")") && !at("OR")) {
        if (at("AND")) {
          pos++;
        }
        p = p.and(unary());
      }
      return p;
    }

    Predicate<Log> unary() {
      if (at("-") || at("NOT")) {
        pos++;
        return unary().negate();
      }
      if (at("(")) {
        pos++;
        Predicate<Log> p = or();
        if (!at(")")) {
          throw new Invalid("missing ')' in query");
        }
        pos++;
        return p;
      }
      Token t = next("a term");
      if (!t.quoted() && (t.text().equals(")") || t.text().equals(":") || t.text().equals("OR") || t.text().equals("AND"))) {
        throw new Invalid("unexpected '" + t.text() + "' in query");
      }
      if (at(":")) {
        pos++;
        String field = t.text();
        if (field.isEmpty() || field.equals("@")) {
          throw new Invalid("empty field name in query");
        }
        Predicate<String> value = values();
        return log -> field(log, field).stream().anyMatch(value);
      }
      if (!t.quoted() && t.text().equals("*")) {
        return l -> true;
      }
      Predicate<String> word = matcher(t);
      return log -> log.message() != null && (t.quoted() ? log.message().contains(t.text())
          : List.of(log.message().split("\\s+")).stream().anyMatch(word));
    }

    /** A value, or a parenthesised OR/AND list of values, after {@code field:}. */
    Predicate<String> values() {
      if (at("(")) {
        pos++;
        Predicate<String> p = matcher(next("a value"));
        while (!at(")")) {
          if (at("OR")) {
            pos++;
            p = p.or(matcher(next("a value")));
          } else if (at("AND")) {
            pos++;
            p = p.and(matcher(next("a value")));
          } else {
            throw new Invalid(pos >= tokens.size() ? "missing ')' in query" : "expected OR between values in query");
          }
        }
        pos++;
        return p;
      }
      return matcher(next("a value"));
    }

    private Predicate<String> matcher(Token t) {
      if (!t.quoted() && (t.text().isEmpty() || "():".contains(t.text()))) {
        throw new Invalid("missing value in query");
      }
      if (!t.quoted() && t.text().contains("*")) {
        Pattern p = Pattern.compile(Pattern.quote(t.text()).replace("*", "\\E.*\\Q"));
        return v -> p.matcher(v).matches();
      }
      return v -> v.equals(t.text());
    }
  }

  /** The values of {@code field} in a log, as strings ({@code true} for a JSON true). */
  private static List<String> field(Log log, String field) {
    if (field.startsWith("@")) {
      Object v = log.attributes();
      for (String part : field.substring(1).split("\\.")) {
        v = v instanceof Map<?, ?> m ? m.get(part) : null;
      }
      if (v == null) {
        v = log.attributes().get(field.substring(1)); // an attribute whose name holds dots
      }
      if (v instanceof List<?> list) {
        return list.stream().map(String::valueOf).toList();
      }
      return v == null || v instanceof Map<?, ?> ? List.of() : List.of(String.valueOf(v));
    }
    String reserved = switch (field) {
      case "service" -> log.service();
      case "host" -> log.host();
      case "source" -> log.source();
      case "status" -> log.status();
      default -> null;
    };
    if (reserved != null) {
      return List.of(reserved);
    }
    String prefix = field + ":";
    return log.tags().stream().filter(t -> t.startsWith(prefix)).map(t -> t.substring(prefix.length())).toList();
  }
}
