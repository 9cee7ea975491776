package io.oobwatch.watchdog.server;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.FullHttpMessage;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.concurrent.TimeUnit;

/**
 * Per-connection pipeline: request deadline → HTTP/1.1 codec → end-of-request marker → idle
 * timeout → aggregator (bounded body) → {@link StatusHandler}.
 */
final class StatusServerInitializer extends ChannelInitializer<SocketChannel> {
  private final ServerLimits limits;
  private final StatusHandler handler;

  StatusServerInitializer(Routes routes, ServerLimits limits) {
    this.limits = limits;
    this.handler = new StatusHandler(routes);
  }

  @Override
  protected void initChannel(SocketChannel ch) {
    SlowClientGuard guard = new SlowClientGuard(limits.requestTimeout());
    ChannelPipeline p = ch.pipeline();
    p.addLast("request-deadline", guard.head());
    p.addLast("http", new HttpServerCodec());
    p.addLast("request-end", guard.afterCodec());
    p.addLast("idle", new IdleStateHandler(0, 0, limits.idleTimeout().toMillis(), TimeUnit.MILLISECONDS));
    p.addLast("aggregate", new BoundedAggregator(limits.maxContentBytes()));
    p.addLast("handler", handler);
  }

  /**
   * Netty's aggregator, answering a too-large body with a JSON 413 instead of an empty one. Like
   * netty's: when the body is announced by Content-Length on a keep-alive request the rest of it
   * is read and discarded and the connection stays usable; otherwise the connection is closed.
   */
  private static final class BoundedAggregator extends HttpObjectAggregator {
    private final int max;

    BoundedAggregator(int max) {
      super(max);
      this.max = max;
    }

    @Override
    protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
      if (!(oversized instanceof HttpRequest request)) {
        ctx.close();
        return;
      }
      boolean keep =
          !(oversized instanceof FullHttpMessage)
              && (HttpUtil.is100ContinueExpected(oversized) || HttpUtil.isKeepAlive(oversized));
      Response tooLarge =
          Response.error(
              HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
              "request body larger than " + max + " bytes");
      var written =
          ctx.writeAndFlush(StatusHandler.toNetty(tooLarge, request.protocolVersion(), keep));
      written.addListener(keep ? ChannelFutureListener.CLOSE_ON_FAILURE : ChannelFutureListener.CLOSE);
    }
  }
}
