package io.babelcall.common;

import static org.assertj.core.api.Assertions.assertThat;

import io.babelcall.common.token.TokenCarrier;
import org.junit.jupiter.api.Test;

class TokenCarrierTests {

    @Test
    void readsTheQueryParameter() {
        assertThat(TokenCarrier.fromQuery("x=1&access_token=a.b.c&y=2")).contains("a.b.c");
        assertThat(TokenCarrier.fromQuery("access_token=a%2Eb")).contains("a.b");
        assertThat(TokenCarrier.fromQuery("access_token=")).isEmpty();
        assertThat(TokenCarrier.fromQuery("token=a.b.c")).isEmpty();
        assertThat(TokenCarrier.fromQuery(null)).isEmpty();
    }

    @Test
    void readsTheSubprotocolEntry() {
        assertThat(TokenCarrier.fromSubprotocols("bearer, a.b.c")).contains("a.b.c");
        assertThat(TokenCarrier.fromSubprotocols("v1, Bearer,a.b.c")).contains("a.b.c");
        assertThat(TokenCarrier.fromSubprotocols("bearer")).isEmpty();
        assertThat(TokenCarrier.fromSubprotocols("a.b.c")).isEmpty();
    }

    @Test
    void readsTheAuthorizationHeader() {
        assertThat(TokenCarrier.fromAuthorization("Bearer a.b.c")).contains("a.b.c");
        assertThat(TokenCarrier.fromAuthorization("bearer  a.b.c ")).contains("a.b.c");
        assertThat(TokenCarrier.fromAuthorization("Basic xyz")).isEmpty();
        assertThat(TokenCarrier.fromAuthorization("Bearer ")).isEmpty();
    }
}
