import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** flite (slt) sentences as 16 kHz PCM16, spoken in turn with 1.5 s of silence between them. */
record Speech(List<byte[]> sentences) {
    static final String[] TEXT = {"the weather is nice today", "please open the window", "we will meet again tomorrow",
        "i would like a cup of coffee", "the train leaves at nine", "thank you very much"};

    static Speech make(Path dir) throws Exception {
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < TEXT.length; i++) {
            Path wav = dir.resolve("s" + i + ".wav");
            Path raw = dir.resolve("s" + i + ".raw");
            run("flite", "-voice", "slt", "-t", TEXT[i], "-o", wav.toString());
            run("sox", wav.toString(), "-r", "16000", "-c", "1", "-b", "16", "-e", "signed-integer", "-L",
                    "-t", "raw", raw.toString());
            out.add(Files.readAllBytes(raw));
        }
        return new Speech(out);
    }

    static void run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + " failed: " + out);
        }
    }
}
