package io.oobwatch.watchdog.quality;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/** Variable-length integers for the compact stored form of a {@link Tally}. */
final class Codec {
  private Codec() {}

  /** An unsigned LEB128 varint: small counts take one byte. */
  static void writeLong(DataOutputStream out, long v) throws IOException {
    while ((v & ~0x7FL) != 0) {
      out.writeByte((int) ((v & 0x7F) | 0x80));
      v >>>= 7;
    }
    out.writeByte((int) v);
  }

  static long readLong(DataInputStream in) throws IOException {
    long v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      int b = in.readUnsignedByte();
      v |= (long) (b & 0x7F) << shift;
      if ((b & 0x80) == 0) {
        return v;
      }
    }
    throw new IOException("varint longer than 64 bits");
  }

  static long zigzag(long v) {
    return (v << 1) ^ (v >> 63);
  }

  static long unzigzag(long v) {
    return (v >>> 1) ^ -(v & 1);
  }

  static void writeString(DataOutputStream out, String s) throws IOException {
    out.writeUTF(s == null ? "" : s);
  }
}
