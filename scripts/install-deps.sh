#!/usr/bin/env bash
# Installs the Debian packages riskcast builds with, skipping those present.
# Not root: prints the exact apt-get line to run and exits 1.
set -euo pipefail

packages=(
  cmake g++ make pkg-config
  libtbb-dev
  libboost-program-options-dev libboost-random-dev libboost-math-dev
  libeigen3-dev   # the Gaussian copula's matrices (engine/model/copula.cpp)
  libyaml-cpp-dev librandom123-dev nlohmann-json3-dev libfmt-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  chromium librsvg2-bin   # tests: the HTML report in headless Chromium, charts through rsvg-convert
  python3-openturns   # tests: the Gaussian copula side by side with OpenTURNS (tests/copula/)
  python3-jsonschema python3-yaml   # tests: docs/schema/ against the shipped models (tests/schema/)
  pybind11-dev python3-dev python3-numpy python3-pandas python3-pytest   # the Python package and its tests (docs/python.md)
  libopenmpi-dev openmpi-bin   # optional at build time: the MPI driver riskcast_mpi and its tests (docs/scale.md)
)
# Packages only some targets need, e.g. `make fuzz`: clang libclang-rt-14-dev python3.
if [ "${RISKCAST_EXTRA_PACKAGES:-}" != "" ]; then
  # shellcheck disable=SC2206
  packages+=(${RISKCAST_EXTRA_PACKAGES})
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "riskcast: missing packages; run as root:" >&2
  echo "  apt-get update && apt-get install -y --no-install-recommends ${missing[*]}" >&2
  exit 1
fi

echo "riskcast: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
