#!/usr/bin/env bash
# Runs every benchmark of this module and prints the tables (Markdown) that benchmarks/RESULTS.md
# holds. Never part of ./mvnw verify.
#
#   benchmarks/run.sh            full run: ~25 minutes on 2 cores
#   benchmarks/run.sh --quick    about 5 minutes, to check a change (RS256 JMH, short ratio runs)
#   benchmarks/run.sh --scale    only the multi-tenant scale command (1,000 and 10,000 issuers)
#
# Output goes to stdout and to benchmarks/target/results-<timestamp>.md.
set -euo pipefail
cd "$(dirname "$0")/.."

quick=false
scale_only=false
if [[ "${1:-}" == "--quick" ]]; then
  quick=true
elif [[ "${1:-}" == "--scale" ]]; then
  scale_only=true
fi

./mvnw -q -Pbenchmarks-jar -pl benchmarks -am -DskipTests package
jar=benchmarks/target/benchmarks.jar
out="benchmarks/target/results-$(date -u +%Y%m%dT%H%M%SZ).md"
java_opts=(-Xms1g -Xmx1g -XX:+UseParallelGC)

{
  echo "## Run of $(date -u '+%Y-%m-%d %H:%M UTC')$($quick && echo ' (quick)')"
  echo
  echo "- commit: $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- . ':!benchmarks/RESULTS.md' || echo ' (with local changes)')"
  echo "- machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), $(free -g | awk '/Mem:/{print $2}') GB"
  echo "- load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "- JDK: $(java -version 2>&1 | sed -n 2p)"
  echo "- JVM options: ${java_opts[*]}"
  echo
} | tee "$out"

ratio() {
  java "${java_opts[@]}" -cp "$jar" dev.idtoken.benchmarks.RatioRunner "$@" 2>&1 | grep -v '^SLF4J' | tee -a "$out"
}
jmh() {
  # JMH's own progress goes to the log; only the summary table is shown.
  local log="benchmarks/target/jmh-$(date +%s).log"
  java -cp "$jar" dev.idtoken.benchmarks.JmhSuite "$@" >"$log" 2>&1 || { tail -40 "$log"; exit 1; }
  sed -n '/^### JMH/,$p' "$log" | tee -a "$out"
}

scale() {
  java "${java_opts[@]}" -cp "$jar" dev.idtoken.benchmarks.MultiTenantScale "$@" 2>&1 | grep -v '^SLF4J' | tee -a "$out"
}

replay() {
  # The replay-check benchmark starts its own redis-server on loopback (see ReplayCheckBenchmark).
  local log="benchmarks/target/replay-$(date +%s).log"
  java -cp "$jar" dev.idtoken.benchmarks.ReplaySuite "$@" >"$log" 2>&1 || { tail -40 "$log"; exit 1; }
  sed -n '/^### JMH: replay/,$p' "$log" | tee -a "$out"
}

lean=raw,raw-reused,idtoken-cold,raw-accp,raw-accp-reused,idtoken-cold-accp
if $scale_only; then
  scale --issuers 1000,10000
  scale --issuers 1000,10000 --latency-ms 20
elif $quick; then
  ratio --algs RS256,ES256 --rounds 10 --slice-ms 100 --warmup-ms 3000
  jmh --algs RS256 --candidates "$lean" --warmup 2 --iterations 3 --seconds 1
  java "${java_opts[@]}" -cp "$jar" dev.idtoken.benchmarks.CacheFootprint 5000 2>&1 | grep -v '^SLF4J' | tee -a "$out"
  java "${java_opts[@]}" -cp "$jar" dev.idtoken.benchmarks.JwksRotation --seconds 5 2>&1 | grep -v '^SLF4J' | tee -a "$out"
  replay --threads 1 --warmup 2 --iterations 3 --seconds 1
  scale --issuers 1000
else
  ratio --algs RS256,PS256,ES256,EdDSA --rounds 30 --slice-ms 200 --warmup-ms 8000 --threads 1
  # Throughput on 2 threads over 1, the same candidates interleaved (Corretto's and the JDK's).
  ratio --algs RS256,ES256 --candidates raw,idtoken-cold,raw-accp,idtoken-cold-accp --rounds 20 \
    --slice-ms 200 --warmup-ms 6000 --scaling true
  # Allocation per validation (-prof gc) of the limits and the library, through both providers.
  jmh --algs RS256,PS256,ES256,EdDSA --candidates "$lean" --threads 1 --warmup 3 --iterations 5 --seconds 1
  java "${java_opts[@]}" -cp "$jar" dev.idtoken.benchmarks.CacheFootprint 20000 2>&1 | grep -v '^SLF4J' | tee -a "$out"
  java "${java_opts[@]}" -cp "$jar" dev.idtoken.benchmarks.JwksRotation --seconds 15 2>&1 | grep -v '^SLF4J' | tee -a "$out"
  replay --threads 1,2 --warmup 3 --iterations 5 --seconds 1
  scale --issuers 1000,10000
  scale --issuers 1000,10000 --latency-ms 20
fi
echo
echo "Results written to $out"
