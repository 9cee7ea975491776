package io.oobwatch.probes.file;

import io.oobwatch.probes.Kind;
import io.oobwatch.probes.Settings;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/** A log file that a shipper tails (rsyslog imfile, Filebeat, Fluent Bit, Vector, the Datadog agent): an entry. */
public final class FileKind {
  public static final Kind KIND = Kind.named("file", "a log file a shipper tails")
      .withEntry("`path` (absolute; the file the shipper tails); the canary is appended as one JSON line, one `write`"
          + " with O_APPEND, the file opened by path each time (rotation followed), never created; the first stage"
          + " after it is the shipper's hop", FileKind::entry);

  private FileKind() {}

  static FileEntryConfig entry(Settings o) {
    String path = o.requiredString("path",
        "the log file the shipper tails, e.g. path: /var/log/inference/app.log");
    if (path == null) {
      return null;
    }
    Path p;
    try {
      p = Path.of(path);
    } catch (InvalidPathException e) {
      o.error("path", "\"" + path + "\" is not a file path (" + e.getReason() + ")");
      return null;
    }
    if (!p.isAbsolute()) {
      o.error("path", "\"" + path + "\" is relative; write the absolute path of the file the shipper tails,"
          + " e.g. /var/log/inference/app.log");
      return null;
    }
    return new FileEntryConfig(p);
  }
}
