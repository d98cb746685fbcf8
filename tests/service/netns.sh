#!/usr/bin/env bash
# A compose network in miniature, for tests/it/service.rs: run inside fresh network and mount
# namespaces (`unshare --net --mount --fork`, as root), it gives the namespace a loopback and a
# private address, 10.89.0.2/24 (the emulator container's), and makes `google-emulator`
# resolve to it for this namespace only, by bind-mounting HOSTS over /etc/hosts (the mount
# namespace is private: the machine's own /etc/hosts is untouched).
#
# Usage: netns.sh HOSTS
# Prints `ready PID` once set up (PID: this process, for `nsenter --target PID --net --mount`),
# then holds the namespaces until its stdin closes (the test ends, or dies).
set -euo pipefail
hosts="$1"

ip link set lo up
# A dummy interface where the kernel has the module; else one end of a veth pair, which is
# what container networks are made of (gVisor, for one, has veth but no dummy).
if ! ip link add gemu0 type dummy 2>/dev/null; then
  ip link add gemu0 type veth peer name gemu1
  ip link set gemu1 up
fi
ip addr add 10.89.0.2/24 dev gemu0
ip link set gemu0 up
mount --bind "$hosts" /etc/hosts
getent hosts google-emulator | grep -q '^10\.89\.0\.2 ' || {
  echo "google-emulator does not resolve to 10.89.0.2 through /etc/hosts" >&2
  exit 1
}
echo "ready $$"
# Held until the test closes stdin.
cat >/dev/null
