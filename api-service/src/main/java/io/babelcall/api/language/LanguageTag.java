package io.babelcall.api.language;

import jakarta.validation.Constraint;
import jakarta.validation.Payload;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** A well-formed {@link io.babelcall.common.language.LanguageCode}; {@code null} is valid. */
@Documented
@Constraint(validatedBy = LanguageTagValidator.class)
@Target({ElementType.FIELD, ElementType.PARAMETER, ElementType.RECORD_COMPONENT, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
public @interface LanguageTag {

    String message() default "must be a language code such as 'en', 'es' or 'pt-BR' (ISO 639 / BCP 47)";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};
}
