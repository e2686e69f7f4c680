#!/usr/bin/env bash
# No production Java class and no web page module over 400 lines unless it says why: a file that must be longer
# carries the words "Longer than 400 lines because" in a comment, with the reason. Keeps the code in pieces a reader
# can hold (docs/development.md).
set -euo pipefail
cd "$(dirname "$0")/.."
limit=400
status=0
while IFS= read -r -d '' f; do
  lines=$(wc -l < "$f")
  if [ "$lines" -gt "$limit" ] && ! grep -q "Longer than $limit lines because" "$f"; then
    echo "FAIL  $f: $lines lines (limit $limit; or say in a comment: 'Longer than $limit lines because ...')"
    status=1
  fi
done < <(find . \( -path '*/src/main/java/*.java' -o -path './api-service/src/main/resources/static/js/*.js' \) \
  -not -path '*/node_modules/*' -not -path '*/target/*' -print0)
[ $status -eq 0 ] && echo "check-sizes: every production class and page module is at most $limit lines (or says why)"
exit $status
