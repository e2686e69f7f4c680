package io.babelcall.api.web;

import jakarta.validation.Constraint;
import jakarta.validation.Payload;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Human-entered text shown to other people (display names, room names): after trimming, {@code min..max} characters
 * (code points), and no control, line-separator or bidirectional-override characters that could corrupt or spoof
 * what others see. {@code null} is valid (combine with {@code @NotNull}).
 */
@Documented
@Constraint(validatedBy = CleanTextValidator.class)
@Target({ElementType.FIELD, ElementType.PARAMETER, ElementType.RECORD_COMPONENT, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
public @interface CleanText {

    int min() default 0;

    int max();

    String message() default "must be {min} to {max} characters after trimming, without control characters";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};
}
