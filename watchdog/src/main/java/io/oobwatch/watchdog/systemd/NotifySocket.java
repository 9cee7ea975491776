package io.oobwatch.watchdog.systemd;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDomainDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.unix.DomainDatagramPacket;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * The sending end of systemd's notify protocol: one unix datagram per message to the address in
 * {@code $NOTIFY_SOCKET}, a file system path or, starting with {@code @}, an abstract-namespace
 * name. The JDK cannot send unix datagrams, so this uses netty's epoll transport (Linux only).
 *
 * <p>Sending never throws: systemd not listening is reported as false, and the caller decides
 * what to log. Not thread-safe for {@link #close} racing {@link #send}; the notifier sends from
 * one thread.
 */
final class NotifySocket implements AutoCloseable {
  private static final long SEND_TIMEOUT_MS = 2_000;

  private final EventLoopGroup group;
  private final Channel channel;
  private final DomainSocketAddress target;
  private final String address;

  private NotifySocket(EventLoopGroup group, Channel channel, DomainSocketAddress target, String address) {
    this.group = group;
    this.channel = channel;
    this.target = target;
    this.address = address;
  }

  /**
   * Opens an unbound datagram socket that sends to {@code address}.
   *
   * @throws IllegalStateException when the epoll transport is not available (not Linux, or its
   *     native library could not be loaded), with the reason
   */
  static NotifySocket open(String address) {
    if (!Epoll.isAvailable()) {
      throw new IllegalStateException("cannot talk to systemd at NOTIFY_SOCKET=" + address
          + ": netty's epoll transport is not available (" + Epoll.unavailabilityCause() + ")");
    }
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(
        1, new DefaultThreadFactory("oobwatch-sd-notify", true), EpollIoHandler.newFactory());
    try {
      Channel channel = new Bootstrap()
          .group(group)
          .channel(EpollDomainDatagramChannel.class)
          // an unconnected, unbound datagram channel is only "active" (writable) with this set
          .option(ChannelOption.DATAGRAM_CHANNEL_ACTIVE_ON_REGISTRATION, true)
          .handler(new ChannelInboundHandlerAdapter())
          .register()
          .sync()
          .channel();
      return new NotifySocket(group, channel, socketAddress(address), address);
    } catch (Exception e) {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      throw new IllegalStateException("cannot open a datagram socket for NOTIFY_SOCKET=" + address + ": " + e, e);
    }
  }

  /** {@code @name} is the abstract namespace: the kernel's address starts with a NUL byte. */
  static DomainSocketAddress socketAddress(String address) {
    return new DomainSocketAddress(address.startsWith("@") ? "\0" + address.substring(1) : address);
  }

  /** Sends one message ({@code READY=1}, or several assignments separated by newlines). */
  boolean send(String message) {
    ChannelFuture f = channel.writeAndFlush(
        new DomainDatagramPacket(Unpooled.copiedBuffer(message, StandardCharsets.UTF_8), target));
    return f.awaitUninterruptibly(SEND_TIMEOUT_MS) && f.isSuccess();
  }

  /** Why the last send failed, for a log line. */
  String describe() {
    return "NOTIFY_SOCKET=" + address;
  }

  @Override
  public void close() {
    channel.close().awaitUninterruptibly(SEND_TIMEOUT_MS);
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(SEND_TIMEOUT_MS);
  }
}
