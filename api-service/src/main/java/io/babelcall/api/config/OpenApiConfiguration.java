package io.babelcall.api.config;

import io.swagger.v3.oas.annotations.OpenAPIDefinition;
import io.swagger.v3.oas.annotations.enums.SecuritySchemeType;
import io.swagger.v3.oas.annotations.info.Info;
import io.swagger.v3.oas.annotations.info.License;
import io.swagger.v3.oas.annotations.security.SecurityScheme;
import org.springframework.context.annotation.Configuration;

/** OpenAPI document metadata; the operations describe themselves with annotations on the controllers. */
@Configuration(proxyBeanMethods = false)
@OpenAPIDefinition(info = @Info(
        title = "Babelcall API",
        version = "v1",
        description = "Rooms, joining (participant tokens), ICE/TURN credentials and languages for Babelcall calls. "
                + "Errors are RFC 9457 application/problem+json.",
        license = @License(name = "Apache-2.0")))
@SecurityScheme(name = OpenApiConfiguration.BEARER, type = SecuritySchemeType.HTTP, scheme = "bearer",
        bearerFormat = "JWT", description = "The participant token returned by the join operation.")
public class OpenApiConfiguration {

    public static final String BEARER = "participantToken";
}
