package io.babelcall.signaling.media;

import io.babelcall.signaling.media.janus.JanusClient;
import io.babelcall.signaling.media.tap.SpeechTaps;

/**
 * The speech tap of one participant's published audio: started when the participant publishes (again), stopped when
 * the publisher goes or the microphone is turned off. Not thread-safe: called on its {@link SfuPeer}'s chain.
 */
final class PublisherTap {

    /** Null when the speech tap is off. */
    private final SpeechTaps taps;
    private final String roomId;
    private final String participantId;
    private SpeechTaps.Forward forward;
    private long handle;
    private String mid;
    private boolean microphoneOn = true;

    PublisherTap(SpeechTaps taps, String roomId, String participantId) {
        this.taps = taps;
        this.roomId = roomId;
        this.participantId = participantId;
    }

    /** The participant published audio stream {@code audioMid} (null: no audio) on {@code publisher}. */
    void published(JanusClient janus, long publisher, String audioMid) {
        if (forward != null && (handle != publisher || !forward.mid().equals(audioMid))) {
            stop(); // republished on another node or with another audio stream
        }
        mid = audioMid;
        if (taps != null && forward == null && audioMid != null && microphoneOn && publisher != 0) {
            forward = taps.start(janus, publisher, roomId, participantId, audioMid);
            handle = publisher;
        }
    }

    /** Microphone off stops the tap; on restarts it when the participant publishes ({@code janus} not null). */
    void microphone(boolean on, JanusClient janus, long publisher) {
        microphoneOn = on;
        if (!on) {
            stop();
        } else if (janus != null && mid != null) {
            published(janus, publisher, mid);
        }
    }

    void stop() {
        if (forward != null) {
            forward.stop();
            forward = null;
        }
    }
}
