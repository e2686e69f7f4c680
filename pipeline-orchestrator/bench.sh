#!/usr/bin/env bash
# Pipeline benchmark (not a test): ./pipeline-orchestrator/bench.sh [overhead|local|capacity|speakers|all|wer|tap|floor]
#   or ./pipeline-orchestrator/bench.sh final-pass FILE.wav... (pocketsphinx's final pass on recordings' utterances)
# (tap: the speech tap against /ws/audio, end of speech -> translation, bench/TapVersusSocket; docs/benchmarks/tap.md)
# (wer: pocketsphinx word error rate against decoding cost - flite voices on held-out and tuning sentences, and
#  recordings of people from pocketsphinx-testdata - bench/WerBenchmark; WER_TRY="name=-opt value;..." compares
#  pocketsphinx options of your own with the shipped ones)
# (floor: what Redis round trips alone cost on this host, the floor under `overhead`, bench/RedisRoundTrips)
# Needs redis-server, flite, sox and the local engines (pocketsphinx, apertium, espeak-ng), and for `wer` also
# pocketsphinx-testdata (its recordings of people); REDIS_URL to use a running
# Redis. Results are recorded in docs/benchmarks/pipeline.md.
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -B -q -o -f pipeline-orchestrator/pom.xml test-compile
./mvnw -B -q -o -f pipeline-orchestrator/pom.xml dependency:build-classpath -Dmdep.includeScope=test \
    -Dmdep.outputFile="$PWD/pipeline-orchestrator/target/bench-classpath.txt" >/dev/null || {
  echo "bench.sh: cannot resolve the test classpath offline; run once online:" \
    "./mvnw -f pipeline-orchestrator/pom.xml dependency:build-classpath" >&2
  exit 1
}
CP="pipeline-orchestrator/target/test-classes:pipeline-orchestrator/target/classes:$(cat pipeline-orchestrator/target/bench-classpath.txt)"
if [ "${1:-}" = final-pass ]; then
  shift
  exec java -Xmx1g ${BENCH_OPTS:-} -cp "$CP" io.babelcall.pipeline.bench.FinalPassBenchmark "$@"
fi
if [ "${1:-}" = wer ]; then
  exec java -Xmx1g ${BENCH_OPTS:-} -cp "$CP" io.babelcall.pipeline.bench.WerBenchmark
fi
exec java -Xmx2g ${BENCH_OPTS:-} -cp "$CP" io.babelcall.pipeline.bench.PipelineBenchmark "${1:-all}"
