package io.babelcall.signaling.media;

/** The little this service reads in a browser's SDP itself (Janus negotiates the rest). */
final class Sdp {

    private Sdp() {
    }

    /** The {@code a=mid} of the first {@code m=KIND} section, or null when there is none (or it has no mid). */
    static String firstMid(String sdp, String kind) {
        boolean inSection = false;
        for (String line : sdp.split("\r?\n", -1)) {
            if (line.startsWith("m=")) {
                if (inSection) {
                    return null;
                }
                inSection = line.startsWith("m=" + kind + " ") && !line.startsWith("m=" + kind + " 0 ");
            } else if (inSection && line.startsWith("a=mid:")) {
                String mid = line.substring(6).trim();
                return mid.isEmpty() ? null : mid;
            }
        }
        return null;
    }
}
