package io.babelcall.pipeline.tap;

/**
 * How closely decoded audio follows a reference: normalised cross-correlation and SNR at the lag (decoded behind the
 * reference by 0..maxLag samples: codec delay) where the correlation is highest, over the samples both have.
 */
record Similarity(int lag, double correlation, double snrDb, int samples) {

    static Similarity best(short[] reference, short[] decoded, int maxLag) {
        Similarity best = null;
        for (int lag = 0; lag <= maxLag; lag++) {
            Similarity s = at(reference, decoded, lag);
            if (best == null || s.correlation > best.correlation) {
                best = s;
            }
        }
        return best;
    }

    static Similarity at(short[] reference, short[] decoded, int lag) {
        int n = Math.min(reference.length, decoded.length - lag);
        double rr = 0;
        double dd = 0;
        double rd = 0;
        double err = 0;
        for (int i = 0; i < n; i++) {
            double r = reference[i];
            double d = decoded[i + lag];
            rr += r * r;
            dd += d * d;
            rd += r * d;
            err += (r - d) * (r - d);
        }
        double correlation = rr == 0 || dd == 0 ? 0 : rd / Math.sqrt(rr * dd);
        return new Similarity(lag, correlation, 10 * Math.log10(rr / Math.max(err, 1e-9)), n);
    }

    @Override
    public String toString() {
        return String.format("lag %d, correlation %.3f, SNR %.1f dB over %d samples", lag, correlation, snrDb, samples);
    }
}
