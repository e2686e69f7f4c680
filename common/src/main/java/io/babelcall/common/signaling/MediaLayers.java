package io.babelcall.common.signaling;

import com.fasterxml.jackson.annotation.JsonTypeName;
import java.util.List;

/**
 * SFU rooms: the simulcast layer the sender wants of some participants' video, by how large their tiles are on its
 * screen: {@value #HIGH}, {@value #MEDIUM}, {@value #LOW} or {@value #OFF} (not sent at all). Only the listed
 * participants change; the server applies it to the sender's subscription (and to streams added to it later).
 */
@JsonTypeName("media-layers")
public record MediaLayers(List<Layer> layers) implements ClientMessage {

    public static final String HIGH = "h";
    public static final String MEDIUM = "m";
    public static final String LOW = "l";
    public static final String OFF = "off";
    /** More entries than the largest call has participants is a malformed message. */
    public static final int MAX_LAYERS = 100;

    /** One participant's video layer. */
    public record Layer(String participantId, String layer) {
    }

    @Override
    public <C> void dispatchTo(Handler<C> handler, C context) {
        handler.mediaLayers(this, context);
    }
}
