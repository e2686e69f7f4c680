package io.babelcall.testsupport;

import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.utility.DockerImageName;

/** The Testcontainers fallback of {@link RedisServerExtension}, used only where a Docker engine answers. */
final class DockerRedis {

    private DockerRedis() {
    }

    static String tryStart() {
        try {
            if (!DockerClientFactory.instance().isDockerAvailable()) {
                return null;
            }
        } catch (RuntimeException | LinkageError e) {
            return null;
        }
        GenericContainer<?> redis = new GenericContainer<>(DockerImageName.parse("redis:7-alpine")).withExposedPorts(6379);
        redis.start();
        Runtime.getRuntime().addShutdownHook(new Thread(redis::stop, "stop-test-redis-container"));
        return "redis://" + redis.getHost() + ":" + redis.getMappedPort(6379);
    }
}
