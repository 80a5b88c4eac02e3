#!/bin/sh
# Regenerates the example site's seed cases, content/cases/*.md, from the seed bulletin.
#
# All five entries are from organisations in Shanxi, hence --region 山西省. No --date: the
# bulletin carries none, and a made-up date would be published as fact. --force because these
# files are generated: edit the bulletin, not the cases, then run this again.
#
# Usage, from anywhere: scripts/import-seeds.sh   (GONGKAI=path/to/gongkai uses a built binary)
set -eu
cd "$(dirname "$0")/.."

set -- import bulletin seeds/002_474f3c114e6c0acf.txt \
    --into content/cases --region 山西省 --tag 经验交流 --force

if [ -n "${GONGKAI:-}" ]; then
    exec "$GONGKAI" "$@"
fi
exec cargo run --release --quiet -- "$@"
