package io.oobwatch.watchdog.server;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.LastHttpContent;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Bounds how long one request may take to arrive: from its first byte to its last, a client has
 * {@code requestTimeout}, however slowly it trickles bytes (an idle timeout alone would be reset by
 * every byte). When the time is up the connection gets a 408 and is closed. One instance per
 * connection; all methods run on the channel's event loop.
 *
 * <p>It needs two places in the pipeline: {@link #head()} before the HTTP codec sees raw bytes and
 * starts the clock; {@link #afterCodec()} after the codec sees the end of each request (also of an
 * oversized one whose body the aggregator discards) and stops it.
 */
final class SlowClientGuard {
  private final long timeoutNanos;
  private ScheduledFuture<?> deadline;

  SlowClientGuard(Duration requestTimeout) {
    this.timeoutNanos = requestTimeout.toNanos();
  }

  ChannelHandler head() {
    return new ChannelInboundHandlerAdapter() {
      @Override
      public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (deadline == null && msg instanceof ByteBuf buf && buf.isReadable()) {
          deadline = ctx.executor().schedule(() -> expire(ctx), timeoutNanos, TimeUnit.NANOSECONDS);
        }
        ctx.fireChannelRead(msg);
      }

      @Override
      public void channelInactive(ChannelHandlerContext ctx) {
        cancel();
        ctx.fireChannelInactive();
      }
    };
  }

  ChannelHandler afterCodec() {
    return new ChannelInboundHandlerAdapter() {
      @Override
      public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof LastHttpContent) {
          cancel();
        }
        ctx.fireChannelRead(msg);
      }
    };
  }

  private void cancel() {
    if (deadline != null) {
      deadline.cancel(false);
      deadline = null;
    }
  }

  private void expire(ChannelHandlerContext ctx) {
    deadline = null;
    if (!ctx.channel().isActive()) {
      return;
    }
    Response timeout =
        Response.error(
            io.netty.handler.codec.http.HttpResponseStatus.REQUEST_TIMEOUT,
            "request not received completely within " + Duration.ofNanos(timeoutNanos).toMillis() + " ms");
    ctx.channel()
        .writeAndFlush(StatusHandler.toNetty(timeout, false))
        .addListener(ChannelFutureListener.CLOSE);
  }
}
