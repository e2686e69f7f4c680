package io.babelcall.api.web;

import jakarta.validation.Constraint;
import jakarta.validation.Payload;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Human-entered text shown to other people (display names, room names), by {@link HumanText}'s rules: no control,
 * line-separator or bidirectional-override characters that could corrupt or spoof what others see; at least one
 * visible letter or digit; at most {@link HumanText#MAX_COMBINING_MARKS} combining marks per character; after
 * trimming and NFC, {@code min..max} characters (code points). {@code null} is valid (combine with {@code @NotNull});
 * store {@link HumanText#normalise} of the value.
 */
@Documented
@Constraint(validatedBy = CleanTextValidator.class)
@Target({ElementType.FIELD, ElementType.PARAMETER, ElementType.RECORD_COMPONENT, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
public @interface CleanText {

    int min() default 0;

    int max();

    /** Unused: the validator always says which rule failed. */
    String message() default "must be {min} to {max} characters after trimming, with a visible letter or digit";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};
}
