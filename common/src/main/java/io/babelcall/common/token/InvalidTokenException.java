package io.babelcall.common.token;

/** A participant token that must be refused; {@link #reason()} says why, for logs and error messages. */
public class InvalidTokenException extends Exception {

    /** Why a token was refused. */
    public enum Reason { MISSING, MALFORMED, BAD_SIGNATURE, EXPIRED, WRONG_ISSUER }

    private final Reason reason;

    public InvalidTokenException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
