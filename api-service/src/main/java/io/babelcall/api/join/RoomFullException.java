package io.babelcall.api.join;

import io.babelcall.api.web.ApiException;
import org.springframework.http.HttpStatus;

/** 409: the room already has maxParticipants participants. */
public class RoomFullException extends ApiException {

    public RoomFullException() {
        super(HttpStatus.CONFLICT, "room_full", "The room is full.");
    }
}
