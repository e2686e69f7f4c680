package io.babelcall.pipeline.engine.spi;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;

/** Finds the executables local engines run, so a missing one is reported with the Debian package to install. */
public final class Binaries {

    private Binaries() {
    }

    /**
     * {@code name} on the PATH or in the usual system folders, or an absolute/relative path as given; null when not
     * executable.
     */
    public static Path find(String name) {
        if (name.contains("/")) {
            Path p = Path.of(name);
            return Files.isExecutable(p) ? p : null;
        }
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : (path + File.pathSeparator + "/usr/bin:/usr/local/bin").split(File.pathSeparator, -1)) {
            if (!dir.isBlank() && Files.isExecutable(Path.of(dir, name))) {
                return Path.of(dir, name);
            }
        }
        return null;
    }

    /** Like {@link #find} but reports a missing binary with its package to {@code errors}. */
    public static Path require(String name, String debianPackage, String property, ConfigErrors errors) {
        Path p = find(name);
        if (p == null) {
            errors.add(property, "'" + name + "' is not installed or not executable; install it with: "
                    + "apt-get install -y " + debianPackage);
        }
        return p;
    }
}
