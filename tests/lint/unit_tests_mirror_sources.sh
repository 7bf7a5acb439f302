#!/usr/bin/env bash
# Every unit test file tests/unit/PATH/NAME_test.cc tests the source it is
# named after: PATH/NAME.h or PATH/NAME.cc must exist, so a reader finds a
# file's tests (and a file's tests are found) by its path alone.
set -euo pipefail
cd "$(dirname "$0")/../.."
status=0
while IFS= read -r test; do
  rel="${test#tests/unit/}"
  source="${rel%_test.cc}"
  if [[ ! -e "$source.h" && ! -e "$source.cc" ]]; then
    echo "$test: no $source.h or $source.cc (name a unit test after the file it tests)"
    status=1
  fi
done < <(find tests/unit -name '*_test.cc' | sort)
if (( status == 0 )); then echo "every unit test names its source"; fi
exit $status
