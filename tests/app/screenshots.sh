#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Renders the app's pages into docs/screenshots/ (week.png, availability.png, bookings.png,
# review.png, activity.png, block-dialog.png, preferences.png, first-run*.png) with the fictitious --demo-local practice and a
# frozen clock. Usage: tests/app/screenshots.sh [BUILD-DIR]   (default: _build)
# Look at the pictures before committing them.
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-_build}
case $build in /*) ;; *) build=$top/$build ;; esac

ninja -C "$build" tests/app/crn-screenshots data/gschemas.compiled creneaux-gmo >/dev/null

export GSETTINGS_SCHEMA_DIR="$build/data" GSETTINGS_BACKEND=memory NO_AT_BRIDGE=1
export LC_ALL=C.UTF-8 TZ=America/New_York
# French first, as a French practice sees it (SCREENSHOT_LANGUAGE=en for English ones).
export LANGUAGE=${SCREENSHOT_LANGUAGE:-fr} CRN_LOCALEDIR="$build/po"
exec dbus-run-session -- xvfb-run -a -s "-screen 0 1600x1000x24" \
  "$build/tests/app/crn-screenshots" "$top/docs/screenshots"
