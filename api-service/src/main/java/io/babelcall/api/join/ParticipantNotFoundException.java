package io.babelcall.api.join;

import io.babelcall.api.web.ApiException;
import org.springframework.http.HttpStatus;

/** 404: the participant is not (or no longer) in the room. */
public class ParticipantNotFoundException extends ApiException {

    public ParticipantNotFoundException() {
        super(HttpStatus.NOT_FOUND, "participant_not_found", "No such participant in this room.");
    }
}
