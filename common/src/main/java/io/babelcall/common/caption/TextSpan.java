package io.babelcall.common.caption;

/**
 * A span of a caption's text: {@code [start, end)} in UTF-16 code units, i.e. JavaScript string indices
 * ({@code text.slice(start, end)}).
 */
public record TextSpan(int start, int end) {

    public TextSpan {
        if (start < 0 || end <= start) {
            throw new IllegalArgumentException("a span needs 0 <= start < end, got [" + start + ", " + end + ")");
        }
    }
}
