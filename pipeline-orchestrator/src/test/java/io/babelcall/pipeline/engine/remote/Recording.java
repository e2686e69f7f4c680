package io.babelcall.pipeline.engine.remote;

import io.babelcall.pipeline.stt.RecognitionListener;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import okhttp3.MediaType;
import okhttp3.MultipartReader;
import okio.Buffer;
import org.awaitility.Awaitility;

/** A recognition listener that keeps every callback; results are finals ("final:...") and errors, in order. */
public final class Recording implements RecognitionListener {

    public final List<String> interims = new CopyOnWriteArrayList<>();
    public final List<Object> results = new CopyOnWriteArrayList<>();

    @Override
    public void onInterim(String text) {
        interims.add(text);
    }

    @Override
    public void onFinal(String text) {
        results.add(text);
    }

    @Override
    public void onError(Throwable error) {
        results.add(error);
    }

    /** Waits for the n-th result (1-based) and returns it: a String final or a Throwable. */
    public Object await(int n) {
        Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10))
                .until(() -> results.size() >= n);
        return results.get(n - 1);
    }

    /** The parts of a multipart/form-data body: name -> [headers, body]. */
    public static java.util.Map<String, Object[]> multipart(String contentType, byte[] body) throws Exception {
        String boundary = MediaType.get(contentType).parameter("boundary");
        java.util.Map<String, Object[]> parts = new java.util.LinkedHashMap<>();
        try (MultipartReader reader = new MultipartReader(new Buffer().write(body), boundary)) {
            MultipartReader.Part part;
            while ((part = reader.nextPart()) != null) {
                String disposition = part.headers().get("Content-Disposition");
                java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?:^|;)\\s*name=\"([^\"]+)\"")
                        .matcher(disposition);
                String name = m.find() ? m.group(1) : disposition;
                parts.put(name, new Object[] {part.headers(), part.body().readByteArray()});
            }
        }
        return parts;
    }
}
