package io.oobwatch.watchdog.server;

import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * One complete HTTP request as a route handler sees it. The body is a copy, so handlers never deal
 * with netty buffers or reference counts.
 *
 * @param method the request method
 * @param path the decoded path without the query string
 * @param pathParams values captured by {@code {name}} segments of the route's pattern
 * @param query decoded query parameters
 * @param headers the request headers (read-only by convention)
 * @param body the request body, at most the server's content limit
 * @param remote the peer's address
 * @param uri the request target as received (raw path and query), e.g. for signature checks
 */
record Request(
    HttpMethod method,
    String path,
    Map<String, String> pathParams,
    Map<String, List<String>> query,
    HttpHeaders headers,
    byte[] body,
    SocketAddress remote,
    String uri) {

  Request {
    pathParams = Map.copyOf(pathParams);
    query = Map.copyOf(query);
  }

  Request(HttpMethod method, String path, Map<String, String> pathParams, Map<String, List<String>> query,
      HttpHeaders headers, byte[] body, SocketAddress remote) {
    this(method, path, pathParams, query, headers, body, remote, path);
  }

  String bodyText() {
    return new String(body, StandardCharsets.UTF_8);
  }
}
