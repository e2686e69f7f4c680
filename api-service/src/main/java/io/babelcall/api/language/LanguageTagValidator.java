package io.babelcall.api.language;

import io.babelcall.common.language.LanguageCode;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;

/** Checks {@link LanguageTag} with the same rule as {@link LanguageCode}. */
public class LanguageTagValidator implements ConstraintValidator<LanguageTag, String> {

    @Override
    public boolean isValid(String value, ConstraintValidatorContext context) {
        return value == null || LanguageCode.isValid(value);
    }
}
