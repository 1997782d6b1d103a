#!/usr/bin/env bash
# The search-quality benchmark (docs/benchmarks.md, "Search quality"): campaigns of each team on golf-mini with a
# short training budget, the same number of trials each, repeated; report and curves in
# infra/launcher/target/search-bench/. Hours at full size; --smoke runs 3 trials of one team.
#   infra/bench/search/run.sh [trials=40] [repeats=2] [budget_s=40] [teams=random,generalist,specialists]
#   infra/bench/search/run.sh --smoke
# LOOPLAB_BENCH_DRY_RUN=1 checks the arguments and that the benchmark test exists, and prints the Maven command
# instead of running it (the build's smoke test: a real run starts the whole stack, minutes even at --smoke).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
if [ "${1:-}" = "--smoke" ]; then
  set -- 3 1 8 specialists
fi
trials="${1:-40}"; repeats="${2:-2}"; budget="${3:-40}"; teams="${4:-random,generalist,specialists}"
for n in "$trials" "$repeats" "$budget"; do
  [[ $n =~ ^[1-9][0-9]*$ ]] || { echo "'$n' is not a positive whole number: run.sh [trials] [repeats] [budget_s] [teams]" >&2; exit 2; }
done
cd "$root"
it=infra/launcher/src/test/java/dev/looplab/launcher/SearchBenchmarkIT.java
[[ -f $it ]] || { echo "$it is gone: update $0 to run the search benchmark where it moved" >&2; exit 1; }
run=()
[[ ${LOOPLAB_BENCH_DRY_RUN:-} == 1 ]] && run=(echo dry run:)
"${run[@]}" ./mvnw -B -ntp verify -pl infra/launcher -am -DskipTests=false \
  -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=SearchBenchmarkIT \
  -Dbench.search=true -Dbench.search.trials="$trials" -Dbench.search.repeats="$repeats" \
  -Dbench.search.budget="$budget" -Dbench.search.teams="$teams"
[[ ${LOOPLAB_BENCH_DRY_RUN:-} == 1 ]] || cat infra/launcher/target/search-bench/report.md
