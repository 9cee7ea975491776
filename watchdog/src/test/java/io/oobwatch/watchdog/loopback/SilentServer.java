package io.oobwatch.watchdog.loopback;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP server on 127.0.0.1 that accepts connections and never answers: the hanging peer, the
 * wedged load balancer. Connections are held open until {@link #close()}.
 */
public final class SilentServer implements AutoCloseable {
  private final ServerSocket socket;
  private final List<Socket> held = new CopyOnWriteArrayList<>();
  private final Thread acceptor;

  private SilentServer() throws IOException {
    socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    acceptor = new Thread(() -> {
      while (!socket.isClosed()) {
        try {
          held.add(socket.accept());
        } catch (IOException e) {
          return;
        }
      }
    }, "silent-server");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  public static SilentServer start() {
    try {
      return new SilentServer();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public String url(String path) {
    return "http://127.0.0.1:" + socket.getLocalPort() + path;
  }

  /** Connections accepted so far (each one a request left hanging). */
  public int accepted() {
    return held.size();
  }

  @Override
  public void close() {
    try {
      socket.close();
      for (Socket s : held) {
        s.close();
      }
    } catch (IOException e) {
      // closing test sockets: nothing left to do
    }
  }
}
