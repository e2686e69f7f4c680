package io.babelcall.common.signaling;

import com.fasterxml.jackson.annotation.JsonTypeName;
import io.babelcall.common.language.LanguageCode;

/** The sender changes its languages or dubbing mid-call; stored in Redis and broadcast as {@code peer-updated}. */
@JsonTypeName("language")
public record LanguageUpdate(LanguageCode spokenLanguage, LanguageCode captionLanguage, Boolean dubbing)
        implements ClientMessage {

    @Override
    public <C> void dispatchTo(Handler<C> handler, C context) {
        handler.language(this, context);
    }
}
