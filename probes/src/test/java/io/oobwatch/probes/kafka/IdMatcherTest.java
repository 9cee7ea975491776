package io.oobwatch.probes.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class IdMatcherTest {

  @Test
  void everyIdARecordHoldsIsReportedOnceWhereverItIsAndOnlyThose() {
    IdMatcher<String> m = new IdMatcher<>();
    m.add(bytes("abc"), "abc");
    m.add(bytes("abcd"), "abcd");
    m.add(bytes("bcd"), "bcd");
    m.add(bytes("xyz"), "xyz");
    m.add(bytes("abc"), "abc again, another stage");

    assertThat(found(m, "abcd")).containsExactlyInAnyOrder("abc", "abcd", "bcd", "abc again, another stage");
    assertThat(found(m, "..abc..abc..")).containsExactlyInAnyOrder("abc", "abc again, another stage");
    assertThat(found(m, "xyz")).containsExactly("xyz");
    assertThat(found(m, "xy")).isEmpty();
    assertThat(found(m, "ab-c xz yz")).isEmpty();
    assertThat(found(m, "")).isEmpty();
  }

  @Test
  void itFindsWhatAByteByByteSearchFindsInRandomRecordsWithHundredsOfIds() {
    Random random = new Random(42);
    List<String> ids = new ArrayList<>();
    IdMatcher<String> m = new IdMatcher<>();
    for (int i = 0; i < 600; i++) {
      String id = UUID.nameUUIDFromBytes(new byte[] {(byte) i, (byte) (i >> 8)}).toString();
      ids.add(id);
      m.add(bytes(id), id);
    }
    for (int r = 0; r < 2000; r++) {
      StringBuilder record = new StringBuilder("{\"event\":\"inference\",\"tokens\":" + random.nextInt(5000));
      for (int k = random.nextInt(3); k > 0; k--) {
        String id = ids.get(random.nextInt(ids.size()));
        // whole ids, and ids cut short by a byte, which must not count
        record.append(",\"canary_id\":\"").append(random.nextBoolean() ? id : id.substring(1)).append('"');
      }
      byte[] value = bytes(record.append('}').toString());
      List<String> expected = ids.stream().filter(id -> TopicReader.contains(value, bytes(id))).toList();

      assertThat(found(m, new String(value, StandardCharsets.UTF_8))).containsExactlyInAnyOrderElementsOf(expected);
    }
  }

  private static List<String> found(IdMatcher<String> m, String record) {
    List<String> out = new ArrayList<>();
    m.forEachIn(bytes(record), out::add);
    return out;
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
