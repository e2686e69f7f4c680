package io.babelcall.api.language;

import io.babelcall.api.config.ApiProperties;
import io.babelcall.support.web.RequestIdWebFilter;
import io.micrometer.observation.ObservationRegistry;
import io.netty.channel.ChannelOption;
import java.time.Clock;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.http.codec.json.JacksonJsonDecoder;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.netty.http.client.HttpClient;
import tools.jackson.databind.json.JsonMapper;

@Configuration(proxyBeanMethods = false)
public class LanguageConfiguration {

    @Bean
    @ConditionalOnMissingBean
    public CapabilitiesClient capabilitiesClient(ApiProperties properties, JsonMapper json,
                                                 ObjectProvider<ObservationRegistry> observations) {
        int connectMillis = (int) Math.min(Integer.MAX_VALUE, properties.languages().timeout().toMillis());
        HttpClient http = HttpClient.create()
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectMillis)
                .responseTimeout(properties.languages().timeout());
        WebClient client = WebClient.builder()
                .baseUrl(properties.orchestratorInternalUrl())
                .clientConnector(new ReactorClientHttpConnector(http))
                // observed: the caller's trace continues in the orchestrator (W3C traceparent), and
                // http.client.requests times the call
                .observationRegistry(observations.getIfAvailable(() -> ObservationRegistry.NOOP))
                // the request id of the page's request goes on (X-Request-Id), so both services log it
                .filter(RequestIdWebFilter.propagate())
                .codecs(codecs -> {
                    codecs.defaultCodecs().jacksonJsonDecoder(new JacksonJsonDecoder(json));
                    codecs.defaultCodecs().maxInMemorySize(1024 * 1024);
                })
                .build();
        return new OrchestratorCapabilitiesClient(client, properties.languages().timeout());
    }

    @Bean
    @ConditionalOnMissingBean
    public LanguageCatalog languageCatalog(CapabilitiesClient client, ApiProperties properties, Clock clock) {
        return new LanguageCatalog(client, properties.languages().cacheTtl(), clock);
    }
}
