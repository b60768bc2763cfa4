#!/bin/sh
# run-lab.sh - `make run`: generate the lab PKI, start tollgated in the foreground on
# conf/examples/lab.cfg with a socket under build/lab, open tollsh on it; leaving the
# shell stops the lab core.
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
lab=build/lab
mkdir -p "$lab"
sh tests/pki/gen-test-pki.sh "$lab/pki" >/dev/null
# the lab core saves to its own copy, so `write memory` never touches the example
[ -f "$lab/startup-config" ] || cp conf/examples/lab.cfg "$lab/startup-config"
rm -f "$lab/tollsh.sock"
build/tollgated -f "$lab/startup-config" -S "$lab/tollsh.sock" --foreground 2>"$lab/tollgated.log" &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null' EXIT INT TERM
i=0
while [ ! -S "$lab/tollsh.sock" ]; do
	i=$((i + 1))
	if [ $i -gt 100 ] || ! kill -0 $pid 2>/dev/null; then
		echo "tollgated did not start; see $lab/tollgated.log:" >&2
		cat "$lab/tollgated.log" >&2
		exit 1
	fi
	sleep 0.05
done
echo "Tollgate lab core running (pid $pid, log $lab/tollgated.log, config $lab/startup-config)."
echo "Type 'exit' to leave; the lab core stops with the shell."
build/tollsh -S "$lab/tollsh.sock"
