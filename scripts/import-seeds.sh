#!/bin/sh
# Regenerates the example site's seed cases, content/cases/*.md, from the seed bulletin.
#
# All five entries are from organisations in Shanxi, hence --region 山西省. --force because these
# files are generated: edit the bulletin, not the cases, then run this again.
#
# The bulletin carries no date, and a case needs one, so --date gives it; the importer marks
# such a date with a comment, and this script adds why this one was chosen. It is an estimate,
# not a fact from the source: 定襄's entry cites a 2014 document (组通字[2014]1号) and reports
# from "this July"; 广灵 has sent its 93 第一书记, which Shanxi did in 2015; 怀仁 is still a
# county (a city from 2018). Hence the autumn of 2015.
#
# Usage, from anywhere: scripts/import-seeds.sh   (GONGKAI=path/to/gongkai uses a built binary)
set -eu
cd "$(dirname "$0")/.."

DATE=2015-09-01
set -- import bulletin seeds/002_474f3c114e6c0acf.txt \
    --into content/cases --region 山西省 --tag 经验交流 --date "$DATE" --force

if [ -n "${GONGKAI:-}" ]; then
    "$GONGKAI" "$@"
else
    cargo run --release --quiet -- "$@"
fi
for f in content/cases/002_474f3c114e6c0acf-*.md; do
    sed -i "s/^date = $DATE\$/# 示例网站：日期为估计，不是通报所载（据文中线索：组通字[2014]1号、“从今年7月起”、广灵选派第一书记、怀仁尚为县），见 scripts\/import-seeds.sh\n&/" "$f"
done
