#!/usr/bin/env bash
# Keeps what a fuzz run found as regression inputs in tests/fuzz_regressions/TARGET/, which
# `cargo test --test testsuite check::` replays through the same code as the fuzzer
# (fuzz/src/lib.rs): every crash, timeout and OOM file of fuzz/artifacts/TARGET/, and COUNT inputs (30 by
# default) of the corpus. libFuzzer's merge first cuts the corpus down to the smallest inputs
# that still reach every feature it reaches; the kept ones are spread evenly over that set by
# size, none above 4 KB, so the folder stays small and the test fast.
#
#   fuzz/keep.sh                   every target, 30 inputs each
#   fuzz/keep.sh 10 bulletin       one target, 10 inputs
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
count=${1:-30}
shift || true
if [ $# -gt 0 ]; then targets=("$@"); else targets=(front_matter bulletin csv_numbers shortcodes periods_calendar); fi
sanitizer=${SANITIZER:-none}

cd "$here"
for target in "${targets[@]}"; do
    kept=$root/tests/fuzz_regressions/$target
    mkdir -p "$kept"
    find "artifacts/$target" -type f \( -name 'crash-*' -o -name 'timeout-*' -o -name 'oom-*' \) \
        -exec cp -t "$kept"/ {} + 2>/dev/null || true
    [ -d "corpus/$target" ] || continue
    merged=$(mktemp -d)
    cargo +nightly fuzz run -s "$sanitizer" "$target" "$merged" "corpus/$target" -- -merge=1 \
        >"logs/$target.merge.log" 2>&1
    mapfile -t small < <(find "$merged" -type f -size -4k -printf '%s %p\n' | sort -n | cut -d' ' -f2-)
    n=${#small[@]}
    take=$((count < n ? count : n))
    for ((i = 0; i < take; i++)); do
        cp "${small[i * n / take]}" "$kept"/
    done
    echo "$target: $(find "$merged" -type f | wc -l) inputs after the merge, $take kept;" \
        "$(find "$kept" -type f | wc -l) files, $(du -sh "$kept" | cut -f1) in $kept"
    rm -rf "$merged"
done
