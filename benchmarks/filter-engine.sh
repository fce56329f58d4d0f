#!/usr/bin/env bash
# The filter engine benchmark of issue 9 (JMH, one thread; match: the filters alone on parsed events,
# parseAndMatch: with the parse): the index at 1, 1,000 and 10,000 filters and
# plain one-by-one evaluation at 1 and 1,000, in one run. Prints JMH's table; compare the rows as ratios.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/bin/xqbus-bench" jmh -rf text -rff /dev/null 'FilterEngineBenchmark' -p filters=1,1000,10000 -p indexed=true "$@"
"$root/bin/xqbus-bench" jmh -rf text -rff /dev/null 'FilterEngineBenchmark' -p filters=1,1000 -p indexed=false "$@"
