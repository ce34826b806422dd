#!/usr/bin/env bash
# Install the Debian packages the tests and the app need, only when one is missing:
# CJK fonts, poppler (card tests), Qt's runtime and X11 (xcb) libraries, PostgreSQL,
# Chromium (dashboard browser tests), binutils (PyInstaller); for the Windows build under Wine
# (scripts/windows/build.py): Wine, NSIS, osslsigncode (Authenticode checks), mingw (stand-in DLLs).
# Quick when everything is already there (one dpkg query).
set -euo pipefail
PKGS="fonts-noto-cjk poppler-utils libegl1 libgl1 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 libdbus-1-3 postgresql chromium binutils libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0 libxcb-xkb1 wine wine64 libwine nsis osslsigncode gcc-mingw-w64-x86-64"
missing=""
for p in $PKGS; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ]; then
  echo "Missing Debian packages:$missing -- run as root: apt-get install$missing" >&2
  exit 0
fi
echo "Installing Debian packages:$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends $missing >/dev/null
