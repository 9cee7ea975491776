package io.oobwatch.watchdog.server;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.handler.timeout.IdleStateEvent;
import java.io.IOException;
import java.util.Map;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers each complete request from the route table; a request in another version than HTTP/1.0
 * or 1.1 gets 505 and the connection is closed. Never lets an exception escape: a failing
 * handler is a 500 for that request, a broken connection is closed, the server keeps serving.
 * Stateless, so one instance serves every connection.
 */
@ChannelHandler.Sharable
final class StatusHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
  private static final Logger LOG = LoggerFactory.getLogger(StatusHandler.class);

  /**
   * Sent with every answer: the status page runs only its own script and style from this server
   * (no inline script, no eval), may not be framed, and no body is sniffed into another type.
   */
  static final Map<String, String> SECURITY_HEADERS = Map.of(
      "Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
          + " object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
      "X-Content-Type-Options", "nosniff",
      "X-Frame-Options", "DENY",
      "Referrer-Policy", "no-referrer");

  private final Routes routes;

  StatusHandler(Routes routes) {
    this.routes = routes;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
    boolean keepAlive = HttpUtil.isKeepAlive(req);
    HttpVersion version = req.protocolVersion();
    Response response;
    if (req.decoderResult().isFailure()) {
      response = malformed(req.decoderResult().cause());
      keepAlive = false;
    } else if (!HttpVersion.HTTP_1_1.equals(version) && !HttpVersion.HTTP_1_0.equals(version)) {
      // the decoder reads any PROTOCOL/major.minor; only HTTP/1.0 and 1.1 are spoken here
      response = Response.error(HttpResponseStatus.HTTP_VERSION_NOT_SUPPORTED,
          version.text() + " is not supported; use HTTP/1.1 or HTTP/1.0");
      keepAlive = false;
      version = HttpVersion.HTTP_1_1;
    } else {
      response = dispatch(ctx, req);
    }
    ChannelFuture written = ctx.writeAndFlush(toNetty(response, version, keepAlive));
    if (!keepAlive) {
      written.addListener(ChannelFutureListener.CLOSE);
    }
  }

  private Response dispatch(ChannelHandlerContext ctx, FullHttpRequest req) {
    QueryStringDecoder uri = new QueryStringDecoder(req.uri());
    HttpMethod method = req.method();
    Routes.Match match = routes.match(method, uri.rawPath());
    if (match instanceof Routes.WrongMethod wrong) {
      String allow =
          wrong.allow().stream().map(HttpMethod::name).sorted().collect(Collectors.joining(", "));
      return Response.error(
              HttpResponseStatus.METHOD_NOT_ALLOWED,
              "method " + method + " not allowed on " + uri.path() + "; allowed: " + allow)
          .withHeader(HttpHeaderNames.ALLOW.toString(), allow);
    }
    if (!(match instanceof Routes.Found found)) {
      return Response.error(HttpResponseStatus.NOT_FOUND, "no route " + method + " " + uri.path());
    }
    Request request =
        new Request(
            method,
            uri.path(),
            found.params(),
            uri.parameters(),
            req.headers(),
            ByteBufUtil.getBytes(req.content()),
            ctx.channel().remoteAddress(),
            req.uri());
    try {
      return found.handler().handle(request);
    } catch (Exception e) {
      LOG.warn("{} {} failed; answered 500", method, uri.path(), e);
      return Response.error(
          HttpResponseStatus.INTERNAL_SERVER_ERROR,
          method + " " + uri.path() + " failed: " + describe(e));
    }
  }

  private static Response malformed(Throwable cause) {
    if (cause instanceof TooLongHttpLineException) {
      return Response.error(HttpResponseStatus.REQUEST_URI_TOO_LONG, "request line too long");
    }
    if (cause instanceof TooLongHttpHeaderException) {
      return Response.error(
          HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "request headers too large");
    }
    if (cause instanceof TooLongFrameException) {
      return Response.error(HttpResponseStatus.BAD_REQUEST, "request too large");
    }
    return Response.error(HttpResponseStatus.BAD_REQUEST, "malformed HTTP request");
  }

  /** Class and message on one line, no stack trace. */
  private static String describe(Exception e) {
    String message = e.getMessage();
    String name = e.getClass().getSimpleName();
    if (message == null || message.isBlank()) {
      return name;
    }
    String line = message.strip().lines().findFirst().orElse("");
    return name + ": " + (line.length() > 200 ? line.substring(0, 200) + "..." : line);
  }

  /** The netty response for {@code r}, with Content-Length and the keep-alive header set. */
  static FullHttpResponse toNetty(Response r, HttpVersion version, boolean keepAlive) {
    FullHttpResponse res =
        new DefaultFullHttpResponse(version, r.status(), Unpooled.wrappedBuffer(r.body()));
    res.headers()
        .set(HttpHeaderNames.CONTENT_TYPE, r.contentType())
        .setInt(HttpHeaderNames.CONTENT_LENGTH, r.body().length)
        .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE);
    SECURITY_HEADERS.forEach((name, value) -> res.headers().set(name, value));
    r.headers().forEach((name, value) -> res.headers().set(name, value));
    if (!keepAlive) {
      res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    } else if (!version.isKeepAliveDefault()) {
      res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
    }
    return res;
  }

  static FullHttpResponse toNetty(Response r, boolean keepAlive) {
    return toNetty(r, HttpVersion.HTTP_1_1, keepAlive);
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
    if (evt instanceof IdleStateEvent) {
      ctx.close();
      return;
    }
    super.userEventTriggered(ctx, evt);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof IOException) {
      LOG.debug("connection from {} broke: {}", ctx.channel().remoteAddress(), cause.toString());
    } else {
      LOG.warn("closing connection from {} after an error", ctx.channel().remoteAddress(), cause);
    }
    ctx.close();
  }
}
