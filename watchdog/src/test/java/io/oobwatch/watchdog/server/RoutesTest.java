package io.oobwatch.watchdog.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RoutesTest {
  private final Routes.Handler ok = r -> Response.text(HttpResponseStatus.OK, "ok");
  private final Routes routes =
      new Routes()
          .add(HttpMethod.GET, "/healthz", ok)
          .add(HttpMethod.POST, "/heartbeat/{name}", ok)
          .add(HttpMethod.POST, "/alerts/{id}/ack", ok)
          .add(HttpMethod.GET, "/alerts/{id}/ack", ok);

  @Test
  void aPlaceholderCapturesOneDecodedSegment() {
    Routes.Match m = routes.match(HttpMethod.POST, "/heartbeat/log%20shipper");

    assertThat(m).isInstanceOf(Routes.Found.class);
    assertThat(((Routes.Found) m).params()).isEqualTo(Map.of("name", "log shipper"));
  }

  @Test
  void aPlaceholderDoesNotMatchAnEmptyOrExtraSegment() {
    assertThat(routes.match(HttpMethod.POST, "/heartbeat/")).isInstanceOf(Routes.NotFound.class);
    assertThat(routes.match(HttpMethod.POST, "/heartbeat/a/b")).isInstanceOf(Routes.NotFound.class);
    assertThat(routes.match(HttpMethod.GET, "/healthz/")).isInstanceOf(Routes.NotFound.class);
  }

  @Test
  void aKnownPathWithAnotherMethodListsTheAllowedMethods() {
    Routes.Match m = routes.match(HttpMethod.DELETE, "/alerts/17/ack");

    assertThat(m).isInstanceOf(Routes.WrongMethod.class);
    assertThat(((Routes.WrongMethod) m).allow()).isEqualTo(Set.of(HttpMethod.GET, HttpMethod.POST));
  }

  @Test
  void aPathThatIsNotAbsoluteMatchesNothing() {
    assertThat(routes.match(HttpMethod.GET, "*")).isInstanceOf(Routes.NotFound.class);
  }

  @Test
  void twoRoutesForTheSameMethodAndShapeAreRejected() {
    assertThatThrownBy(() -> routes.add(HttpMethod.POST, "/heartbeat/{other}", ok))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("clashes with POST /heartbeat/{name}");
  }
}
