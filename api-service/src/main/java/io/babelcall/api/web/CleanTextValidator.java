package io.babelcall.api.web;

import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;

/** Checks {@link CleanText} with {@link HumanText}'s rules; says which rule failed (never quoting the value). */
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
        String message = value == null ? null : HumanText.problem(value, min, max);
        if (message == null) {
            return true;
        }
        context.disableDefaultConstraintViolation();
        context.buildConstraintViolationWithTemplate(message.replace("{", "\\{")).addConstraintViolation();
        return false;
    }
}
