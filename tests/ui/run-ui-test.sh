#!/bin/sh
# Runs a UI test program ("$@") the way the ui suite needs it: on a
# display of its own under Xvfb when xvfb-run is installed, and on a
# D-Bus session bus of its own when dbus-run-session is. Without xvfb-run
# the program uses the display it is given, or skips every journey;
# without a bus GTK's accessibility is off (it would warn, and a warning
# fails a test).
set -e

if [ -z "${KVOTA_UI_XVFB:-}" ] && command -v xvfb-run >/dev/null 2>&1; then
  KVOTA_UI_XVFB=1 exec xvfb-run -a -s '-screen 0 1280x800x24' sh "$0" "$@"
fi

if command -v dbus-run-session >/dev/null 2>&1; then
  # The bus and the services it starts (the accessibility registry
  # prints to its standard output) stay out of the program's standard
  # output, which is the TAP stream meson reads.
  exec 3>&1 1>&2
  exec dbus-run-session -- sh -c 'exec "$@" 1>&3 3>&-' sh "$@"
fi

GTK_A11Y=none
export GTK_A11Y
exec "$@"
