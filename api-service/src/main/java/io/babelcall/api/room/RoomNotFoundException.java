package io.babelcall.api.room;

import io.babelcall.api.web.ApiException;
import org.springframework.http.HttpStatus;

/** 404: no such room, or it expired. */
public class RoomNotFoundException extends ApiException {

    public RoomNotFoundException() {
        super(HttpStatus.NOT_FOUND, "room_not_found", "No such room (it may have expired).");
    }
}
