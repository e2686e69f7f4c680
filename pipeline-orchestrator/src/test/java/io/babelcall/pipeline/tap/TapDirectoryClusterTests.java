package io.babelcall.pipeline.tap;

import static org.assertj.core.api.Assertions.assertThat;

import io.babelcall.common.media.TapMapping;
import io.babelcall.testsupport.RedisCluster;
import io.lettuce.core.cluster.SlotHash;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.data.redis.connection.RedisClusterConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * The tap's SSRC mappings on a real 3-master Redis Cluster: one read of several SSRCs whose keys live in different
 * slots (each {@code tap:<ssrc>} key is its own slot) returns every mapping in order, a missing one as null.
 */
class TapDirectoryClusterTests {

    @Test
    void mappingsAreReadAcrossSlots() {
        try (RedisCluster cluster = RedisCluster.start()) {
            LettuceConnectionFactory factory = new LettuceConnectionFactory(
                    new RedisClusterConfiguration(Arrays.asList(cluster.nodes().split(",", -1))));
            factory.afterPropertiesSet();
            factory.start();
            try {
                ReactiveStringRedisTemplate redis = new ReactiveStringRedisTemplate(factory);
                TapDirectory directory = new TapDirectory(redis, JsonMapper.builder().build(), null);
                int[] ssrcs = {11, 22, 33, 44, 55, 66};
                Set<Integer> slots = new HashSet<>();
                for (int ssrc : ssrcs) {
                    slots.add(SlotHash.getSlot(TapDirectory.key(ssrc)));
                    if (ssrc != 44) {
                        redis.opsForValue().set(TapDirectory.key(ssrc), "{\"roomId\":\"room-" + ssrc
                                + "\",\"participantId\":\"p-" + ssrc + "\",\"payloadType\":111}").block();
                    }
                }
                assertThat(slots).as("keys in different slots").hasSize(ssrcs.length);

                List<TapMapping> read = directory.mappings(Arrays.stream(ssrcs).boxed().toList())
                        .block(Duration.ofSeconds(10));

                assertThat(read).hasSize(ssrcs.length);
                for (int i = 0; i < ssrcs.length; i++) {
                    if (ssrcs[i] == 44) {
                        assertThat(read.get(i)).isNull();
                    } else {
                        assertThat(read.get(i)).isEqualTo(new TapMapping("room-" + ssrcs[i], "p-" + ssrcs[i], 111));
                    }
                }
            } finally {
                factory.destroy();
            }
        }
    }
}
