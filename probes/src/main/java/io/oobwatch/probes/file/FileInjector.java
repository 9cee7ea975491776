package io.oobwatch.probes.file;

import io.oobwatch.probes.CanaryRecord;
import io.oobwatch.probes.Injection;
import io.oobwatch.probes.Injector;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Appends a canary as one JSON line to the log file a shipper tails, as the inference service
 * writes its own lines.
 *
 * <p>Contract: the line goes out in one {@code write} on a descriptor opened with {@code
 * O_APPEND}, so the kernel places it whole at the end of the file and it never interleaves with the
 * service's lines (for a line shorter than the file system's atomic write size, which a canary is).
 * The file is opened by path for every canary, so after a rotation the next canary goes to the new
 * file. The file is never created (no {@code O_CREAT}): a missing file or directory is a failed
 * injection, so oobwatch never leaves a file with its own owner and mode where the service's belongs.
 *
 * <p>Acceptance only means the line is in the file: whether the shipper took it is the first
 * stage's question, so pages name that hop after the file ({@link #origin()}).
 */
public final class FileInjector implements Injector {
  private final Path path;
  private final Clock clock;

  public FileInjector(Path path, Clock clock) {
    this.path = Objects.requireNonNull(path, "path");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  @Override
  public String kind() {
    return "file";
  }

  /** The file is a hop of its own: a shipper still has to read the line. */
  @Override
  public String origin() {
    return "file";
  }

  @Override
  public Injection inject(CanaryRecord canary) {
    Instant start = clock.instant();
    byte[] json = canary.toJson();
    ByteBuffer line = ByteBuffer.allocate(json.length + 1).put(json).put((byte) '\n').flip();
    int length = line.remaining();
    try (FileChannel ch = FileChannel.open(path, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
      int written = ch.write(line);
      Duration took = Duration.between(start, clock.instant());
      if (written != length) {
        return Injection.failed(took, "cannot append to " + path + ": only " + written + " of " + length
            + " bytes written (file system full?); the shipper may see a broken line");
      }
      return Injection.accepted(took, length + " bytes appended to " + path);
    } catch (IOException | RuntimeException e) {
      return Injection.failed(Duration.between(start, clock.instant()), "cannot append to " + path + ": " + why(e));
    }
  }

  private String why(Exception e) {
    if (e instanceof NoSuchFileException) {
      return "no such file (oobwatch never creates it: check the path, or that the service has written its log yet)";
    }
    if (e instanceof AccessDeniedException) {
      return permissionDenied();
    }
    if (e instanceof FileSystemException fse && fse.getReason() != null) {
      return fse.getReason().toLowerCase(java.util.Locale.ROOT);
    }
    String msg = e.getMessage();
    return msg == null ? e.getClass().getSimpleName() : msg;
  }

  /**
   * "permission denied", with what to change for the person paged: the user oobwatch runs as, the
   * file's group to add it to, and the group write bit when the file lacks it (its mode shown).
   */
  private String permissionDenied() {
    String user = System.getProperty("user.name", "?");
    String said = "permission denied: oobwatch runs as user " + user + ", which may not write it; ";
    try {
      PosixFileAttributes a = Files.readAttributes(path, PosixFileAttributes.class);
      boolean groupWrites = a.permissions().contains(PosixFilePermission.GROUP_WRITE);
      return said + "add " + user + " to group " + a.group().getName() + " (the file's group)"
          + (groupWrites ? "" : " and give that group write (chmod g+w; the file is "
              + PosixFilePermissions.toString(a.permissions()) + ")");
    } catch (IOException | UnsupportedOperationException e) {
      return said + "it cannot even read the file's attributes: give it search (x) on the directories above the"
          + " file, add it to the file's group and give that group write (files under /var/log are usually group adm)";
    }
  }

  @Override
  public String toString() {
    return "FileInjector[" + path + "]";
  }
}
