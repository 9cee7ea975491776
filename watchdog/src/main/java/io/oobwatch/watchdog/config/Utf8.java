package io.oobwatch.watchdog.config;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** Strict UTF-8 decoding that says where the first invalid byte is, as a line and a column. */
final class Utf8 {
  private Utf8() {}

  /** The bytes are not UTF-8; {@code line} and {@code column} (1-based, in characters) point at the first bad byte. */
  static final class Malformed extends Exception {
    final int line;
    final int column;
    final int value;

    Malformed(int line, int column, int value) {
      super("not UTF-8 at line " + line + ", column " + column, null, false, false);
      this.line = line;
      this.column = column;
      this.value = value;
    }
  }

  static String decode(byte[] bytes) throws Malformed {
    CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes);
    CharBuffer out = CharBuffer.allocate(bytes.length); // UTF-8 never gives more chars than bytes
    CoderResult result = decoder.decode(in, out, true);
    if (!result.isError()) {
      result = decoder.flush(out);
    }
    out.flip();
    if (result.isError()) {
      int line = 1;
      int column = 1;
      for (int i = 0; i < out.limit(); i++) {
        if (out.get(i) == '\n') {
          line++;
          column = 1;
        } else {
          column++;
        }
      }
      throw new Malformed(line, column, bytes[in.position()] & 0xff);
    }
    return out.toString();
  }
}
