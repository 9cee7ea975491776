package io.oobwatch.watchdog.server;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.Future;
import io.oobwatch.watchdog.schedule.HeartbeatWatch;
import java.io.IOException;
import java.net.BindException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * oobwatch's HTTP server: {@code GET /healthz} and {@code GET /status} (JSON) answered from a
 * {@link StatusSource}. One boss thread accepts, two worker threads serve; all are daemon threads
 * named {@code oobwatch-http-*}.
 *
 * <p>Lifecycle: {@link #start} returns once the socket is listening; {@link #close} stops accepting,
 * lets in-flight requests finish for a bounded time and releases the threads.
 */
public final class StatusServer implements AutoCloseable {
  private static final int WORKER_THREADS = 2;

  private final EventLoopGroup boss;
  private final EventLoopGroup workers;
  private final Channel channel;
  private final InetSocketAddress address;
  private final ServerLimits limits;

  private StatusServer(
      EventLoopGroup boss, EventLoopGroup workers, Channel channel, ServerLimits limits) {
    this.boss = boss;
    this.workers = workers;
    this.channel = channel;
    this.address = (InetSocketAddress) channel.localAddress();
    this.limits = limits;
  }

  /**
   * Binds {@code listen} (port 0 picks a free port) and serves {@code source}.
   *
   * @throws BindException when the address is taken, with a message that says what to do
   * @throws IOException when the address cannot be listened on for another reason
   */
  public static StatusServer start(InetSocketAddress listen, StatusSource source)
      throws IOException {
    return start(listen, routes(source), ServerLimits.DEFAULT);
  }

  /** As {@link #start(InetSocketAddress, StatusSource)}, also accepting heartbeat pushes. */
  public static StatusServer start(InetSocketAddress listen, StatusSource source, HeartbeatReceiver heartbeats)
      throws IOException {
    return start(listen, routes(source, heartbeats), ServerLimits.DEFAULT);
  }

  /** The route table for {@code source}; later routes (metrics, heartbeats, webhooks) join here. */
  static Routes routes(StatusSource source) {
    return routes(source, HeartbeatReceiver.NONE);
  }

  static Routes routes(StatusSource source, HeartbeatReceiver heartbeats) {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(heartbeats, "heartbeats");
    return new Routes()
        .add(HttpMethod.GET, "/healthz", request -> healthz(source.health()))
        .add(HttpMethod.GET, "/status", request -> Response.json(HttpResponseStatus.OK, source.status()))
        .add(HttpMethod.GET, "/metrics", request -> metrics(source.metrics()))
        .add(HttpMethod.GET, "/", request -> PageRoutes.page(source))
        .add(HttpMethod.GET, "/static/{file}", PageRoutes::asset)
        .add(HttpMethod.GET, "/history/canaries", r -> PageRoutes.history(r, source::canaryHistory))
        .add(HttpMethod.GET, "/history/signals", r -> PageRoutes.history(r, source::signalHistory))
        .add(HttpMethod.GET, "/history/quality", r -> PageRoutes.history(r, source::qualityHistory))
        .add(HttpMethod.POST, "/heartbeat/{name}", r -> HeartbeatRoutes.push(heartbeats, r, HeartbeatWatch.Signal.PING))
        .add(HttpMethod.POST, "/heartbeat/{name}/start", r -> HeartbeatRoutes.push(heartbeats, r, HeartbeatWatch.Signal.START))
        .add(HttpMethod.POST, "/heartbeat/{name}/fail", r -> HeartbeatRoutes.push(heartbeats, r, HeartbeatWatch.Signal.FAIL));
  }

  private static Response metrics(String text) {
    return new Response(HttpResponseStatus.OK, Exposition.CONTENT_TYPE, text.getBytes(java.nio.charset.StandardCharsets.UTF_8),
        java.util.Map.of());
  }

  private static Response healthz(Health health) {
    if (health.ok()) {
      return Response.text(HttpResponseStatus.OK, "ok\n");
    }
    String reason = health.reason().isBlank() ? "unhealthy" : health.reason();
    // one line, whatever the source put in it
    reason = reason.strip().replaceAll("\\s*[\\r\\n]+\\s*", "; ");
    return Response.text(HttpResponseStatus.SERVICE_UNAVAILABLE, reason + "\n");
  }

  /** Also serves the paging endpoints: Twilio's webhooks, acknowledgement and silences. */
  public static StatusServer start(InetSocketAddress listen, StatusSource source, PagingControl paging)
      throws IOException {
    return start(listen, PagingRoutes.add(routes(source), paging), ServerLimits.DEFAULT);
  }

  /** The daemon's server: status, heartbeats, and the paging routes (webhooks, ack, silences). */
  public static StatusServer start(
      InetSocketAddress listen, StatusSource source, HeartbeatReceiver heartbeats, PagingControl paging)
      throws IOException {
    return start(listen, PagingRoutes.add(routes(source, heartbeats), paging), ServerLimits.DEFAULT);
  }

  static StatusServer start(InetSocketAddress listen, Routes routes, ServerLimits limits)
      throws IOException {
    Objects.requireNonNull(listen, "listen");
    if (listen.isUnresolved()) {
      throw new IOException(
          "cannot listen on " + describe(listen) + ": unknown host — set http.listen to an IP address and port");
    }
    EventLoopGroup boss =
        new MultiThreadIoEventLoopGroup(
            1, new DefaultThreadFactory("oobwatch-http-boss", true), NioIoHandler.newFactory());
    EventLoopGroup workers =
        new MultiThreadIoEventLoopGroup(
            WORKER_THREADS,
            new DefaultThreadFactory("oobwatch-http-worker", true),
            NioIoHandler.newFactory());
    try {
      Channel channel =
          new ServerBootstrap()
              .group(boss, workers)
              .channel(NioServerSocketChannel.class)
              .option(ChannelOption.SO_BACKLOG, 128)
              .childOption(ChannelOption.TCP_NODELAY, true)
              .childHandler(new StatusServerInitializer(routes, limits))
              .bind(listen)
              .sync()
              .channel();
      return new StatusServer(boss, workers, channel, limits);
    } catch (Exception e) {
      shutdown(boss, workers, limits);
      throw listenFailure(listen, e);
    }
  }

  /** The address actually bound (with the real port when 0 was asked for). */
  public InetSocketAddress address() {
    return address;
  }

  /** Stops accepting, then gives open connections up to a few seconds before closing them. */
  @Override
  public void close() {
    channel.close().awaitUninterruptibly(limits.shutdownTimeout().toMillis());
    shutdown(boss, workers, limits);
  }

  private static void shutdown(EventLoopGroup boss, EventLoopGroup workers, ServerLimits limits) {
    long timeout = limits.shutdownTimeout().toMillis();
    Future<?> b = boss.shutdownGracefully(0, timeout, TimeUnit.MILLISECONDS);
    Future<?> w = workers.shutdownGracefully(50, timeout, TimeUnit.MILLISECONDS);
    b.awaitUninterruptibly(timeout + 1000);
    w.awaitUninterruptibly(timeout + 1000);
  }

  private static IOException listenFailure(InetSocketAddress listen, Exception e) {
    String where = "cannot listen on " + describe(listen) + ": ";
    String cause = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
    IOException failure;
    if (e instanceof BindException && cause.contains("in use")) {
      failure =
          new BindException(
              where + "address already in use — is another oobwatch running? set http.listen");
    } else if (cause.contains("cannot assign") || cause.contains("not available")) {
      failure =
          new BindException(
              where + "no network interface has that address — set http.listen");
    } else if (cause.contains("permission denied") || cause.contains("access denied")) {
      failure =
          new BindException(
              where
                  + "permission denied (ports below 1024 need CAP_NET_BIND_SERVICE) — set http.listen");
    } else {
      failure = new IOException(where + e.getMessage() + " — set http.listen");
    }
    failure.initCause(e);
    return failure;
  }

  private static String describe(InetSocketAddress a) {
    String host = a.getAddress() != null ? a.getAddress().getHostAddress() : a.getHostString();
    if (a.getAddress() instanceof Inet6Address) {
      host = "[" + host + "]";
    }
    return host + ":" + a.getPort();
  }

  @Override
  public String toString() {
    return "StatusServer[" + describe(address) + "]";
  }
}
