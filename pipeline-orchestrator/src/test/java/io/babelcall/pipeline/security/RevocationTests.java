package io.babelcall.pipeline.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.babelcall.common.caption.Transcript;
import io.babelcall.pipeline.support.Audio;
import io.babelcall.pipeline.support.AudioClient;
import io.babelcall.pipeline.support.EventCollector;
import io.babelcall.pipeline.support.PipelineTestBase;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * A participant removed from the room (the api's DELETE, done here with the api's own Redis operations) loses access
 * at once although its token has not expired: transcript and dub audio answer 403 {@code not_a_participant}, and its
 * open audio stream is closed with 4003 {@code removed}; another participant of the room keeps everything.
 */
class RevocationTests extends PipelineTestBase {

    private static final Duration WAIT = Duration.ofSeconds(5);

    @Test
    void aRemovedParticipantLosesTranscriptDubAudioAndItsOpenStreamWhileAnotherKeepsThem() throws Exception {
        String room = rooms.newRoom();
        String gone = rooms.join(room, "gone", "Gone", "en", "es", true);
        String stays = rooms.join(room, "stays", "Stays", "en", "es", true);
        String dub = storedDub(room);
        String transcript = "/api/v1/rooms/" + room + "/transcript";

        try (EventCollector events = events(room);
             AudioClient goneAudio = AudioClient.connect(port, gone).start(16000);
             AudioClient staysAudio = AudioClient.connect(port, stays).start(16000)) {
            goneAudio.stream(Audio.silence(16000, 0.2), 16000, 20, 0);
            staysAudio.stream(Audio.silence(16000, 0.2), 16000, 20, 0);
            assertThat(get(transcript, "Bearer " + gone).statusCode()).isEqualTo(200);
            assertThat(get(dub, "Bearer " + gone).statusCode()).isEqualTo(200);

            rooms.removeAsTheApiDoes(room, "gone");

            assertThat(goneAudio.awaitClose(WAIT)).isEqualTo(4003);
            JsonNode error = json.readTree(goneAudio.texts.get(0));
            assertThat(error.get("type").asString()).isEqualTo("error");
            assertThat(error.get("code").asString()).isEqualTo("removed");
            assertNotAParticipant(get(transcript, "Bearer " + gone));
            assertNotAParticipant(get(transcript + "?format=vtt", "Bearer " + gone));
            assertNotAParticipant(get(dub, "Bearer " + gone));

            // the one who stays keeps its stream, its captions, the transcript and the dub audio
            assertThat(staysAudio.isOpen()).isTrue();
            engines.recognizer.script("stays", "still here");
            staysAudio.stream(utterance(16000), 16000, 20, 1.5);
            Transcript fin = events.await(Transcript.class, t -> t.isFinal() && t.speaker().equals("stays"), WAIT);
            assertThat(fin.text()).isEqualTo("Still here.");
            assertThat(staysAudio.isOpen()).isTrue();
            assertThat(get(transcript, "Bearer " + stays).statusCode()).isEqualTo(200);
            assertThat(get(dub, "Bearer " + stays).statusCode()).isEqualTo(200);
        }
    }

    private void assertNotAParticipant(HttpResponse<byte[]> response) {
        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        JsonNode problem = json.readTree(response.body());
        assertThat(problem.get("code").asString()).isEqualTo("not_a_participant");
        assertThat(problem.get("status").asInt()).isEqualTo(403);
        assertThat(problem.get("detail").asString()).isNotBlank();
    }
}
