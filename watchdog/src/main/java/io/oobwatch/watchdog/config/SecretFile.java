package io.oobwatch.watchdog.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Reads a secret from its file: only a regular file (never a device that streams forever or a FIFO
 * that blocks), at most {@link #MAX_BYTES}, within {@link #TIMEOUT} (a stalled network mount), as
 * UTF-8 text, trimmed. What went wrong never quotes the file's content.
 */
final class SecretFile {
  /** Longer than any token, key or password; far shorter than a mistaken certificate bundle or device. */
  static final int MAX_BYTES = 16 * 1024;
  static final Duration TIMEOUT = Duration.ofSeconds(5);

  private SecretFile() {}

  /** Why a secret file cannot be used: the words after "cannot read secret file PATH: ". */
  static final class Unreadable extends Exception {
    Unreadable(String reason) {
      super(reason, null, false, false);
    }
  }

  /** The file's text, trimmed (possibly empty). */
  static String read(Path path) throws Unreadable {
    FutureTask<String> task = new FutureTask<>(() -> readNow(path));
    Thread reader = new Thread(task, "secret-file-reader");
    reader.setDaemon(true); // a read stuck in the kernel must not keep the process alive
    reader.start();
    try {
      return task.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      task.cancel(true);
      throw new Unreadable("no answer within " + TIMEOUT.toSeconds() + "s (a stalled network mount?);"
          + " keep secret files on a local disk");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Unreadable("interrupted while reading");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof Unreadable) {
        throw (Unreadable) e.getCause();
      }
      throw new Unreadable(String.valueOf(e.getCause().getMessage()));
    }
  }

  private static String readNow(Path path) throws Unreadable, IOException {
    BasicFileAttributes attributes;
    try {
      attributes = Files.readAttributes(path, BasicFileAttributes.class);
    } catch (NoSuchFileException e) {
      throw new Unreadable("no such file; create it (mode 0600, in /etc/oobwatch/credentials/ when systemd runs"
          + " oobwatch) or fix the path");
    }
    if (attributes.isDirectory()) {
      throw new Unreadable("it is a directory; name the file in it that holds the secret");
    }
    if (!attributes.isRegularFile()) {
      throw new Unreadable("not a regular file (a device, a FIFO or a socket); put the secret alone in a plain file,"
          + " mode 0600");
    }
    byte[] bytes;
    try (InputStream in = Files.newInputStream(path)) {
      bytes = in.readNBytes(MAX_BYTES + 1);
    } catch (AccessDeniedException e) {
      throw new Unreadable("permission denied; let the user oobwatch runs as read it (e.g. chgrp oobwatch, chmod 0640),"
          + " or hand it over with systemd's LoadCredential=");
    }
    if (bytes.length > MAX_BYTES) {
      throw new Unreadable("larger than " + MAX_BYTES / 1024 + " KiB; a secret file holds the secret alone"
          + " (a token, a key or a password)");
    }
    try {
      return Utf8.decode(bytes).trim();
    } catch (Utf8.Malformed e) {
      throw new Unreadable("not UTF-8 text; write the secret as plain text, e.g. with"
          + " printf '%s' \"$TOKEN\" > FILE");
    }
  }
}
