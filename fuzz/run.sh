#!/usr/bin/env bash
# Runs the fuzz targets, one after the other, each for SECONDS (600 by default), and prints
# what each did: seconds, executions, the corpus it ended with, the crashes it wrote.
#
#   fuzz/run.sh                    every target, 10 minutes each
#   fuzz/run.sh 60 bulletin        one target, one minute
#
# Needs the nightly toolchain (`rustup toolchain install nightly`); cargo-fuzz is installed
# when missing. The corpus grows in fuzz/corpus/TARGET, seeded on the first run from the
# site's own files; fuzz/dicts/TARGET.dict gives the fuzzer the words of each input. A crash
# stops its target and is written to fuzz/artifacts/TARGET/: keep it, once fixed, in
# tests/fuzz_regressions/TARGET/, which `cargo test --test testsuite check::` replays.
#
# SANITIZER=address runs under AddressSanitizer. It is off by default: the crate forbids
# `unsafe`, so what the fuzzer looks for are panics (debug assertions and overflow checks are
# on), hangs (-timeout) and memory blow-ups (-rss_limit_mb), and without ASan each target runs
# about twice the executions in the same time.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
seconds=${1:-600}
shift || true
all=(front_matter bulletin csv_numbers shortcodes periods_calendar)
if [ $# -gt 0 ]; then targets=("$@"); else targets=("${all[@]}"); fi
sanitizer=${SANITIZER:-none}

command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked

# The first run of a target starts from real files: content, data, bulletins, site.toml.
seed() {
    local target=$1 dir=$here/corpus/$1
    [ -d "$dir" ] && return
    mkdir -p "$dir"
    case $target in
    front_matter)
        cp "$root"/content/*.md "$root"/content/*/*.md "$dir"/
        # small files mutate faster than the site's long ones
        printf -- '---\ntitle: 公示\norg: 某村党支部\ncategory: 党员发展\npublished: 2024-09-30\nnotice_days: 5\n---\n| 姓名 | 出生年月 |\n|---|---|\n| 张三 | 1990年5月 |\n' >"$dir/yaml"
        printf '+++\ntitle = "t"\norg = "o"\ncategory = "党费收缴使用"\nperiod = "2024Q3"\npublished = 2024-10-08\nnotice_from = "2024-10-08"\nnotice_to = "2024-10-15"\naudience = "party"\n[approval]\napproved = { by = "书记", date = "2024-10-01" }\n[[revisions]]\ndate = "2024-10-12"\nreason = "更正"\n+++\n正文\n' >"$dir/disclosure"
        printf '+++\ntitle = "案例"\npublisher = "某村党支部"\nauthors = ["张三"]\ncommentary = "**好**"\nlang = "zh-Hant"\ntags = ["a"]\nregion = "某省/某县"\n+++\n# 标题\n\n[链接](../b/)\n' >"$dir/case"
        printf '+++\ntitle = "巡礼"\nyear = 2020\nsubtitle = "s"\nslug = "x"\n+++\n正文\n' >"$dir/review"
        ;;
    bulletin) cp "$root"/seeds/*.txt "$root"/tests/fixtures/bulletins/*.txt "$dir"/ ;;
    csv_numbers)
        cp "$root"/data/*.csv "$root"/tests/fixtures/data/*.csv "$dir"/
        for toml in "$root"/data/*.toml; do
            # a description, the line that ends it, then its CSV (see CSV_SPLIT in src/lib.rs)
            { cat "$toml"; printf '\n#### csv\n'; cat "${toml%.toml}.csv"; } >"$dir/$(basename "$toml" .toml).both"
        done
        ;;
    shortcodes)
        # the target's dataset is data/x.csv (SHORTCODE_CSV in src/lib.rs)
        printf '共有党员{{ stat(data="x.csv", row="2019", col="党员(名)") }}，经费{{ stat(data="x.csv", row="2019", col="经费(元)", format="万余") }}。\n' >"$dir/stat"
        printf '{{ chart(data="x.csv", x="年份", y=["党员(名)", "经费(元)"], kind="line", title="历年") }}\n\n`{{ table() }}`\n' >"$dir/chart"
        printf '# 表\n\n{{ table(data="x.csv", columns=["年份", "占比"], title="占比") }}\n\n```\n{{ stat() }}\n```\n' >"$dir/table"
        printf '{{ chart(data="x.csv", kind="pie", x="年份", y="党员(名)") }}{{ stat(data="x.csv", row="2021", col="经费(元)", format="亿") }}\n' >"$dir/pie"
        grep -l '{{' "$root"/content/*/*.md | xargs -r cp -t "$dir"/
        ;;
    periods_calendar)
        # period, published, notice_from, notice_days, working_days, then site.toml
        printf '2024Q3\n2024-09-30\n\n5\ntrue\n' | cat - "$root/site.toml" >"$dir/working-days"
        printf '2024-01-01/2024-03-31\n2024-10-01\n2024-10-08\n7\nfalse\n' | cat - "$root/site.toml" >"$dir/range"
        printf '2024-07\n2024年8月1日\n\n3\n\n[calendar]\nholidays = ["2024-08-01/2024-08-03"]\n' >"$dir/holidays"
        ;;
    esac
}

cd "$here"
cargo +nightly fuzz build -s "$sanitizer"
summary=()
for target in "${targets[@]}"; do
    seed "$target"
    mkdir -p logs "artifacts/$target"
    log=logs/$target.log
    regressions=$root/tests/fuzz_regressions/$target
    extra=()
    [ -d "$regressions" ] && extra=("$regressions")
    echo "== $target: $seconds s"
    status=0
    # new inputs go to the first corpus folder only; the kept regressions are read, not written
    cargo +nightly fuzz run -s "$sanitizer" "$target" "corpus/$target" "${extra[@]}" -- \
        -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 \
        -dict="dicts/$target.dict" \
        >"$log" 2>&1 || status=$?
    runs=$(sed -n 's/^Done \([0-9]*\) runs in \([0-9]*\) second.*/\1/p' "$log" | tail -1)
    took=$(sed -n 's/^Done \([0-9]*\) runs in \([0-9]*\) second.*/\2/p' "$log" | tail -1)
    if [ -z "$runs" ]; then
        runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
        took="(stopped)"
    fi
    crashes=$(find "artifacts/$target" -type f \( -name 'crash-*' -o -name 'timeout-*' -o -name 'oom-*' \) | wc -l)
    corpus=$(find "corpus/$target" -type f | wc -l)
    line=$(printf '%-18s %8s s %12s runs %7s in corpus %4s crash files  exit %s' \
        "$target" "${took:-?}" "${runs:-?}" "$corpus" "$crashes" "$status")
    echo "$line"
    summary+=("$line")
    [ "$status" -ne 0 ] && grep -m1 -A12 -E 'panicked|ERROR: libFuzzer|deadly signal|timeout' "$log" || true
done
echo
echo "== summary (logs in fuzz/logs/)"
printf '%s\n' "${summary[@]}"
