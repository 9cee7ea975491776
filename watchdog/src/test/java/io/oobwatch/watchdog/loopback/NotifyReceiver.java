package io.oobwatch.watchdog.loopback;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollDomainDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.unix.DomainDatagramPacket;
import io.netty.channel.unix.DomainSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * What systemd does with {@code $NOTIFY_SOCKET}, for tests: a bound unix datagram socket (a path,
 * or an {@code @abstract} name) that keeps every message received, with its arrival time.
 */
public final class NotifyReceiver implements AutoCloseable {
  /** One datagram: its text and when it arrived ({@link System#nanoTime()}). */
  public record Message(String text, long atNanos) {
    /** Whether one of its newline-separated assignments is exactly {@code line}. */
    public boolean has(String line) {
      return List.of(text.split("\n")).contains(line);
    }

    /** The value of {@code KEY=} in it, or null. */
    public String get(String key) {
      for (String l : text.split("\n")) {
        if (l.startsWith(key + "=")) {
          return l.substring(key.length() + 1);
        }
      }
      return null;
    }
  }

  private final EventLoopGroup group;
  private final Channel channel;
  private final String address;
  private final List<Message> messages = new CopyOnWriteArrayList<>();

  private NotifyReceiver(String address, String kernelAddress) throws InterruptedException {
    this.address = address;
    this.group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
    this.channel = new Bootstrap()
        .group(group)
        .channel(EpollDomainDatagramChannel.class)
        .handler(new SimpleChannelInboundHandler<DomainDatagramPacket>() {
          @Override
          protected void channelRead0(ChannelHandlerContext ctx, DomainDatagramPacket p) {
            messages.add(new Message(p.content().toString(StandardCharsets.UTF_8), System.nanoTime()));
          }
        })
        .bind(new DomainSocketAddress(kernelAddress))
        .sync()
        .channel();
  }

  /** Bound to a file system path. */
  public static NotifyReceiver atPath(Path path) throws InterruptedException {
    return new NotifyReceiver(path.toString(), path.toString());
  }

  /** Bound to {@code @name} in the abstract namespace (no file). */
  public static NotifyReceiver abstractName(String name) throws InterruptedException {
    return new NotifyReceiver("@" + name, "\0" + name);
  }

  /** The value for {@code NOTIFY_SOCKET}. */
  public String address() {
    return address;
  }

  public List<Message> messages() {
    return new ArrayList<>(messages);
  }

  /** Messages that carry the assignment {@code line}, e.g. "WATCHDOG=1". */
  public List<Message> with(String line) {
    return messages.stream().filter(m -> m.has(line)).toList();
  }

  /** The STATUS= values received, in order. */
  public List<String> statuses() {
    return messages.stream().map(m -> m.get("STATUS")).filter(s -> s != null).toList();
  }

  @Override
  public void close() {
    channel.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
  }
}
