package io.babelcall.api.token;

import io.babelcall.api.web.ApiException;
import org.springframework.http.HttpStatus;

/**
 * 403: a valid, unexpired token whose participant the room no longer lists (left, removed, or the room ended). A token
 * cannot be recalled, so endpoints that hand out something new check the membership it was issued for.
 */
public class NotInRoomException extends ApiException {

    public NotInRoomException() {
        super(HttpStatus.FORBIDDEN, "not_in_room", "The participant is no longer in the room; join it again.");
    }
}
