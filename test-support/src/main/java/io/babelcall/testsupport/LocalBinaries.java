package io.babelcall.testsupport;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Finds executables the tests run (redis-server, engines) on the PATH and in the usual system folders. */
public final class LocalBinaries {

    private LocalBinaries() {
    }

    /** The executable's path, or null when it is not installed. */
    public static Path find(String name) {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : (path + File.pathSeparator + "/usr/bin:/usr/sbin:/usr/local/bin").split(File.pathSeparator, -1)) {
            if (dir.isBlank()) {
                continue;
            }
            Path candidate = Path.of(dir, name);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    /** The executable's path, or an {@link IllegalStateException} naming the Debian package that provides it. */
    public static Path require(String name, String debianPackage) {
        Path found = find(name);
        if (found == null) {
            throw new IllegalStateException("'" + name + "' is not installed; this test needs it. Install it with: "
                    + "sudo apt-get install -y " + debianPackage + "   (./test.sh does this when run as root)");
        }
        return found;
    }

    /** Runs {@code command} (at most 30 s) and returns its output; fails with the output when it exits non-zero. */
    static String run(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
            }
            return out;
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + command.get(0) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
