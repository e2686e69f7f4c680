package io.babelcall.api.web;

import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;

/** Checks {@link CleanText}; says which rule failed. */
public class CleanTextValidator implements ConstraintValidator<CleanText, String> {

    private int min;
    private int max;

    @Override
    public void initialize(CleanText annotation) {
        this.min = annotation.min();
        this.max = annotation.max();
    }

    @Override
    public boolean isValid(String value, ConstraintValidatorContext context) {
        if (value == null) {
            return true;
        }
        String message = null;
        if (value.codePoints().anyMatch(CleanTextValidator::forbidden)) {
            message = "must not contain control characters";
        } else {
            String trimmed = value.strip();
            int length = trimmed.codePointCount(0, trimmed.length());
            if (length < min || length > max) {
                message = min > 0 && trimmed.isEmpty() ? "must not be empty or only whitespace"
                        : "must be " + min + " to " + max + " characters after trimming (got " + length + ")";
            }
        }
        if (message == null) {
            return true;
        }
        context.disableDefaultConstraintViolation();
        context.buildConstraintViolationWithTemplate(message.replace("{", "\\{")).addConstraintViolation();
        return false;
    }

    /** C0/C1 controls, line/paragraph separators, bidi embeddings/overrides/isolates. */
    static boolean forbidden(int cp) {
        return Character.getType(cp) == Character.CONTROL
                || cp == 0x2028 || cp == 0x2029
                || (cp >= 0x202A && cp <= 0x202E)
                || (cp >= 0x2066 && cp <= 0x2069)
                || cp == 0xFFFE || cp == 0xFFFF;
    }
}
