package io.oobwatch.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import org.junit.jupiter.api.Test;

class LoopbackPartitionTest {
  static void connect(String from, ServerSocket to) throws IOException {
    try (Socket s = new Socket()) {
      s.bind(new InetSocketAddress(InetAddress.getByName(from), 0));
      s.connect(to.getLocalSocketAddress(), 2000);
    }
  }

  @Test
  void aCutSeparatesTheTwoSidesBothWaysLeavesOtherAddressesAloneAndHealingAndClosingUndoIt() throws Exception {
    String before = LoopbackPartition.run("ip", "rule", "list").out();
    try (ServerSocket three = new ServerSocket(0, 5, InetAddress.getByName("127.0.0.3"));
        ServerSocket two = new ServerSocket(0, 5, InetAddress.getByName("127.0.0.2"));
        ServerSocket one = new ServerSocket(0, 5, InetAddress.getByName("127.0.0.1"))) {
      try (LoopbackPartition partition = LoopbackPartition.open()) {
        partition.cut(List.of("127.0.0.2"), List.of("127.0.0.3"));

        assertThatThrownBy(() -> connect("127.0.0.2", three)).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> connect("127.0.0.3", two)).isInstanceOf(IOException.class);
        connect("127.0.0.4", three);
        connect("127.0.0.2", one);
        connect("127.0.0.1", two);

        partition.heal();
        connect("127.0.0.2", three);
        connect("127.0.0.3", two);
        partition.cut(List.of("127.0.0.2"), List.of("127.0.0.3"));
      }
      // closed while cut: healed, and the local table first again
      connect("127.0.0.2", three);
      assertThat(LoopbackPartition.run("ip", "rule", "list").out()).isEqualTo(before);
    }
  }
}
