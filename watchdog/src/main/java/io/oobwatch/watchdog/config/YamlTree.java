package io.oobwatch.watchdog.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * Reads YAML into {@link YamlNode}s that remember their line and column, using Jackson's streaming
 * YAML parser. Duplicate keys are an error (YAML says so; most parsers silently keep the last).
 * Aliases ({@code *name}) and a second document ({@code ---}) are errors too: the streaming parser
 * hands an alias over as the plain text of its name and would read only the first document, so
 * accepting either would run a config other than the one written.
 */
final class YamlTree {
  private static final YAMLFactory YAML = new YAMLFactory();

  private YamlTree() {}

  /** Parses one document; null when the document is empty. */
  static YamlNode parse(String file, String text) throws ConfigException {
    try (JsonParser p = YAML.createParser(text)) {
      JsonToken t = p.nextToken();
      if (t == null) {
        return null;
      }
      YamlNode root = read(file, p, "");
      if (p.nextToken() != null) {
        throw new ConfigException(ConfigError.at(file, mark(p.currentTokenLocation()), "",
            "a second YAML document starts here (after a \"---\" line); oobwatch reads one document per file:"
                + " merge the two into one, or give each its own config file"));
      }
      return root;
    } catch (JsonProcessingException e) {
      JsonLocation l = e.getLocation();
      String msg = e.getOriginalMessage().lines().findFirst().orElse("not valid YAML");
      throw new ConfigException(
          ConfigError.at(file, l == null ? new YamlNode.Mark(1, 1) : mark(l), "",
              "not valid YAML: " + msg.trim() + "; check indentation and quoting around this spot"));
    } catch (IOException e) {
      throw new ConfigException(ConfigError.of(file, "cannot read: " + e.getMessage()));
    }
  }

  private static YamlNode read(String file, JsonParser p, String path) throws IOException, ConfigException {
    YamlNode.Mark at = mark(p.currentTokenLocation());
    refuseAlias(file, p, path, at);
    switch (p.currentToken()) {
      case START_OBJECT: {
        LinkedHashMap<String, YamlNode.Mapping.Entry> entries = new LinkedHashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String name = p.currentName();
          YamlNode.Key key = new YamlNode.Key(name, mark(p.currentTokenLocation()));
          refuseAlias(file, p, path, key.mark());
          p.nextToken();
          String child = path.isEmpty() ? name : path + "." + name;
          YamlNode value = read(file, p, child);
          if (entries.containsKey(name)) {
            YamlNode.Mark first = entries.get(name).key().mark();
            throw new ConfigException(ConfigError.at(file, key.mark(), child,
                "duplicate key \"" + name + "\" (first written at line " + first.line() + "); keep one"));
          }
          entries.put(name, new YamlNode.Mapping.Entry(key, value));
        }
        return new YamlNode.Mapping(at, entries);
      }
      case START_ARRAY: {
        List<YamlNode> items = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
          items.add(read(file, p, path + "[" + items.size() + "]"));
        }
        return new YamlNode.Sequence(at, items);
      }
      case VALUE_STRING:
        return new YamlNode.Scalar(at, p.getText(), YamlNode.Scalar.Type.STRING);
      case VALUE_NUMBER_INT:
        return new YamlNode.Scalar(at, p.getText(), YamlNode.Scalar.Type.INTEGER);
      case VALUE_NUMBER_FLOAT:
        return new YamlNode.Scalar(at, p.getText(), YamlNode.Scalar.Type.FLOAT);
      case VALUE_TRUE:
      case VALUE_FALSE:
        return new YamlNode.Scalar(at, p.getText(), YamlNode.Scalar.Type.BOOLEAN);
      case VALUE_NULL:
        return new YamlNode.Scalar(at, null, YamlNode.Scalar.Type.NULL);
      default:
        throw new ConfigException(
            ConfigError.at(file, at, "", "unsupported YAML construct " + p.currentToken()));
    }
  }

  private static void refuseAlias(String file, JsonParser p, String path, YamlNode.Mark at)
      throws IOException, ConfigException {
    if (p instanceof YAMLParser && ((YAMLParser) p).isCurrentAlias()) {
      throw new ConfigException(ConfigError.at(file, at, path, "\"*" + ((YAMLParser) p).getText()
          + "\" is a YAML alias, which oobwatch does not read; write the value out in full where it is used"
          + " (a value shared by several pipelines can come from the environment: ${KAFKA_BOOTSTRAP})"));
    }
  }

  private static YamlNode.Mark mark(JsonLocation l) {
    return new YamlNode.Mark(Math.max(1, l.getLineNr()), Math.max(1, l.getColumnNr()));
  }
}
