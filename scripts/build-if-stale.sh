#!/bin/sh
# `npm start`'s pre-step: builds only when an input of the build is newer than
# the bundle it produces, so a built tree starts at once. Plain sh and find: a
# node process here would cost more than the check.
#   sh scripts/build-if-stale.sh [--check] [root]   (--check: print why, exit 1 if stale)
check=
if [ "$1" = --check ]; then check=1; shift; fi
cd "${1:-$(dirname "$0")/..}" || exit 2
# The build writes the launcher last, so a build that failed halfway leaves none.
out=dist/bin/mock-idp.cjs
if [ -f "$out" ]; then
  # package.json and scripts/build-bin.mjs (with bundle-tag.mjs) hold the build; node_modules/.package-lock.json changes with every install.
  newer=$(find mock-idp client conformance integrations cli package.json package-lock.json tsconfig.json scripts/build-bin.mjs scripts/bundle-tag.mjs node_modules/.package-lock.json \
    -type f -newer "$out" 2>/dev/null | head -n 1)
  if [ -z "$newer" ]; then
    [ -n "$check" ] && echo "up to date"
    exit 0
  fi
  reason="$newer is newer than $out"
else
  reason="$out is missing"
fi
if [ -n "$check" ]; then echo "$reason"; exit 1; fi
echo "mock-idp: building ($reason)" >&2
exec npm run build
