package io.babelcall.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.babelcall.api.web.ProblemMapper;
import org.junit.jupiter.api.Test;
import org.springframework.data.redis.RedisConnectionFailureException;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;

/** Failures no HTTP test can provoke cheaply: Redis down, a bug. */
class ProblemMapperTests {

    private final ProblemMapper mapper = new ProblemMapper();
    private final MockServerHttpRequest request = MockServerHttpRequest.post("/api/v1/rooms").build();

    @Test
    void redisDownIs503() {
        ProblemMapper.Problem problem = mapper.map(
                new RedisConnectionFailureException("Unable to connect to Redis"), request);
        assertThat(problem.status().value()).isEqualTo(503);
        assertThat(problem.body().getProperties()).containsEntry("code", "storage_unavailable");
        assertThat(problem.body().getInstance()).hasToString("/api/v1/rooms");
    }

    @Test
    void unexpectedErrorsAre500WithoutInternals() {
        ProblemMapper.Problem problem = mapper.map(new IllegalStateException("secret internals"), request);
        assertThat(problem.status().value()).isEqualTo(500);
        assertThat(problem.body().getDetail()).isEqualTo("Unexpected server error.").doesNotContain("secret");
    }
}
