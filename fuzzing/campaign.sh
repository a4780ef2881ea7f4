#!/usr/bin/env bash
# A long fuzzing campaign: each @FuzzTest target in turn, niced, for EXECUTIONS inputs (default
# 10 million) or MAX_DURATION (a Jazzer duration such as 30m; default 24h), whichever comes first.
# Jazzer's own default duration is 5 minutes (@FuzzTest's maxDuration), so a duration is always set. Logs go to fuzzing/logs/; one summary line per target is printed at the end.
# Usage: fuzzing/campaign.sh [target ...]   (targets: json keyset raw signed discovery; default all)
set -uo pipefail
cd "$(dirname "$0")/.."

EXECUTIONS=${EXECUTIONS:-10000000}
MAX_DURATION=${MAX_DURATION:-24h}
NICE=${NICE:-15}

target() {
  case "$1" in
    json) echo "validator-core JsonFuzzTest#readers_anyBytes_sameAsDatabind" ;;
    keyset) echo "validator-core KeySetFuzzTest#parse_anyDocument_keySetOrKeySetException" ;;
    raw) echo "validator-core TokenFuzzTest#validate_anyString_typedVerdict" ;;
    signed) echo "validator-core TokenFuzzTest#validate_signedMutatedJson_typedVerdict" ;;
    discovery) echo "validator-jwks DiscoveryFuzzTest#parse_anyDocument_metadataOrFetchException" ;;
    *) echo "unknown target: $1" >&2; exit 64 ;;
  esac
}

# Jazzer globs are only foo.Bar, foo.* and foo.**, so the harness classes are named one by one.
EXCLUDES=dev.idtoken.testkit.**
for c in validator.JsonTest validator.JsonFuzzTest validator.TokenFuzzTest validator.KeySetFuzzTest \
    validator.FuzzSupport jwks.DiscoveryFuzzTest; do
  EXCLUDES="$EXCLUDES:dev.idtoken.$c"
done

names=("$@")
if [ ${#names[@]} -eq 0 ]; then
  names=(json keyset raw signed discovery)
fi
mkdir -p fuzzing/logs
summary=()
for name in "${names[@]}"; do
  read -r module test <<<"$(target "$name")"
  log="fuzzing/logs/$name.log"
  echo "== $name: $module $test (executions $EXECUTIONS, at most $MAX_DURATION)"
  start=$(date +%s)
  # The test kit and the test classes are left uninstrumented: their coverage would only add noise.
  JAZZER_FUZZ=1 nice -n "$NICE" ./mvnw -o -B -pl "$module" -am test \
    -Dtest="$test" -Dsurefire.failIfNoSpecifiedTests=false \
    -Djazzer.max_executions="$EXECUTIONS" -Djazzer.max_duration="$MAX_DURATION" \
    -Djazzer.instrumentation_excludes="$EXCLUDES" \
    -DargLine=-Xmx1g >"$log" 2>&1
  rc=$?
  seconds=$(( $(date +%s) - start ))
  done_line=$(grep -a '^Done [0-9]* runs' "$log" | tail -1)
  stats=$(grep -aE '^#[0-9]+' "$log" | tail -1)
  summary+=("$name | rc=$rc | wall ${seconds}s | ${done_line:-no Done line} | last: ${stats:-none}")
done
echo
printf '%s\n' "${summary[@]}"
