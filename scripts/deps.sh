#!/bin/sh
# Install f8k's build and test dependencies on Debian 12.
# As root: installs whatever is missing with apt-get.  Otherwise: prints
# the exact apt-get line and stops (exit 1) if anything is missing.
set -eu

PACKAGES="build-essential cmake pkg-config libxapian-dev libicu-dev libstemmer-dev \
libxml2-dev libcmocka-dev libjson-c-dev libxxhash-dev libcurl4-openssl-dev time xapian-tools xapian-omega sqlite3 \
python3 clang libclang-rt-14-dev valgrind"

missing=""
for p in $PACKAGES; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
        missing="$missing $p"
    fi
done

[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
    echo "f8k: missing packages:$missing" >&2
    echo "f8k: run as root:  apt-get update && apt-get install -y$missing" >&2
    exit 1
fi

echo "f8k: installing:$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
