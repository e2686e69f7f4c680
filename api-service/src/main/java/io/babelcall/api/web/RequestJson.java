package io.babelcall.api.web;

import io.babelcall.support.json.ClientJson;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.cfg.CoercionAction;
import tools.jackson.databind.cfg.CoercionInputShape;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.type.LogicalType;

/**
 * How request bodies are read: every string must be well-formed Unicode ({@link ClientJson}), and every value must
 * already have its field's JSON type. Jackson would otherwise coerce {@code "16"} or {@code 2.9} into the integer 16
 * or 2, {@code "true"} or {@code 1} into a boolean, and {@code 42} into a string: a client bug then passes silently.
 * A refused value is a 400 naming the field ({@link ProblemMapper}).
 */
public final class RequestJson {

    private RequestJson() {
    }

    /** A copy of the application's mapper (its modules and settings) with the rules above. */
    public static JsonMapper strict(JsonMapper base) {
        return base.rebuild()
                .addModule(ClientJson.module())
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .withCoercionConfig(LogicalType.Textual, c -> c
                        .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
                .build();
    }
}
