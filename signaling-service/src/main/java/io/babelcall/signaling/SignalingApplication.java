package io.babelcall.signaling;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

@SpringBootApplication
@ConfigurationPropertiesScan
public class SignalingApplication {

    /**
     * Tomcat sizes three buffers of every WebSocket session (frame input, output, encoder) from this JVM-wide
     * property, read once when its classes load (default 8 KiB, i.e. ~32 KiB per socket). Signaling messages are
     * small (an ICE message is ~330 bytes, ~380 relayed), and larger ones are simply read and written in more pieces,
     * so 512 bytes keep an idle socket cheap.
     * Override with {@code -Dorg.apache.tomcat.websocket.DEFAULT_BUFFER_SIZE=...}.
     */
    static final String TOMCAT_WS_BUFFER = "org.apache.tomcat.websocket.DEFAULT_BUFFER_SIZE";

    public static void main(String[] args) {
        if (System.getProperty(TOMCAT_WS_BUFFER) == null) {
            System.setProperty(TOMCAT_WS_BUFFER, "512");
        }
        SpringApplication.run(SignalingApplication.class, args);
    }
}
