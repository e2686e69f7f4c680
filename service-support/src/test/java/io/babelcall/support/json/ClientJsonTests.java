package io.babelcall.support.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

class ClientJsonTests {

    record Inner(String candidate) {
    }

    record Message(String text, Inner inner, List<String> tags) {
    }

    private final ObjectMapper strict = ClientJson.strict(JsonMapper.builder().build());

    @Test
    void wellFormedStringsReadAsUsual() {
        Message m = strict.readValue(
                "{\"text\":\"h\\u00e9llo \\ud83d\\ude00 日本\",\"inner\":{\"candidate\":\"c\"},\"tags\":[\"a\"]}",
                Message.class);
        assertThat(m.text()).isEqualTo("héllo \uD83D\uDE00 日本");
        assertThat(m.inner().candidate()).isEqualTo("c");
        assertThat(m.tags()).containsExactly("a");
    }

    @Test
    void aLoneSurrogateInAnyFieldIsRefusedWithoutEchoingIt() {
        for (String json : List.of("{\"text\":\"hello \\ud800\"}", "{\"inner\":{\"candidate\":\"\\udc00x\"}}",
                "{\"tags\":[\"ok\",\"\\ud83d\"]}")) {
            assertThatThrownBy(() -> strict.readValue(json, Message.class))
                    .isInstanceOfSatisfying(JacksonException.class, e -> {
                        assertThat(ClientJson.isMalformedString(e)).isTrue();
                        assertThat(e.getOriginalMessage()).isEqualTo(ClientJson.NOT_UNICODE);
                    });
        }
    }

    @Test
    void theOrdinaryMapperIsLeftAlone() {
        Message m = JsonMapper.builder().build().readValue("{\"text\":\"\\ud800\"}", Message.class);
        assertThat(m.text()).isEqualTo("\uD800");
    }
}
