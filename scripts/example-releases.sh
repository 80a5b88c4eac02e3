#!/bin/sh
# Re-cuts the example site's two releases, for when a change to gongkai renders the example
# differently (tests/testsuite/versions.rs then finds the archive no longer rebuilds byte for byte).
# A real site never does this: its releases are public records.
#
# Release 2024 carries a mistake in the 2024Q3 三会一课 record (28 present on 30 August);
# release 2025-01 corrects it with a [[revisions]] entry, so the site shows both versions.
#
# GONGKAI=path/to/gongkai uses a binary already built (any profile renders the same bytes).
set -eu
cd "$(dirname "$0")/.."
if [ -z "${GONGKAI:-}" ]; then
    cargo build --release --quiet
fi
G=${GONGKAI:-${CARGO_TARGET_DIR:-./target}/release/gongkai}
F=content/disclosures/2024q3-three-meetings.md
rm -rf releases .gongkai-cache
cp "$F" /tmp/gongkai-meetings.md
# the text as first published: the wrong figure, and no revision yet
sed -e 's/| 32 | 29 |/| 32 | 28 |/' -e '/^\[\[revisions\]\]/,/^reason = /d' /tmp/gongkai-meetings.md > "$F"
"$G" release 2024 --note "2024年度党务公开与经验交流" --date 2024-12-31
cp /tmp/gongkai-meetings.md "$F"
"$G" release 2025-01 --note "更正2024年第三季度“三会一课”开展情况" --date 2025-01-10
