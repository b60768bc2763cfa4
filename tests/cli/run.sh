#!/bin/sh
# run.sh - CLI golden transcripts: each tests/cli/NAME.in is typed into a real
# tollgated through `tollsh --echo`; the output must equal NAME.out byte for byte.
# The core starts on NAME.cfg when it exists (copied, so write memory can change it),
# else on an empty startup-config.  `tests/cli/run.sh --update [NAME]` rewrites the .out files.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
update=0
[ "${1:-}" = "--update" ] && { update=1; shift; }
only=${1:-}
pass=0; fail=0
tmp=$(mktemp -d /tmp/tollgate-cli.XXXXXX)
netns=""
if unshare -n true 2>/dev/null; then
	cat > "$tmp/netns.sh" <<'NS'
#!/bin/sh
# a test host: lo, plus eth0 and ens3 (veth) with documentation addresses
ip link set lo up
ip addr add 192.0.2.1/32 dev lo; ip addr add 192.0.2.2/32 dev lo
ip link add eth0 type veth peer name eth0-peer 2>/dev/null && ip link set eth0 up && \
	ip link set eth0-peer up && ip addr add 192.0.2.10/24 dev eth0
ip link add ens3 type veth peer name ens3-peer 2>/dev/null && ip link set ens3 up && \
	ip link set ens3-peer up && ip addr add 198.51.100.20/24 dev ens3
exec "$@"
NS
	netns="unshare -n sh $tmp/netns.sh"
else
	echo "cli: unshare -n not permitted: cores share the host's network" >&2
fi
trap 'rm -rf "$tmp"' EXIT
for in in tests/cli/*.in; do
	name=$(basename "$in" .in)
	[ -n "$only" ] && [ "$only" != "$name" ] && continue
	d="$tmp/$name"; mkdir -p "$d"
	if [ -f "tests/cli/$name.cfg" ]; then cp "tests/cli/$name.cfg" "$d/startup-config"; else : > "$d/startup-config"; fi
	# transcripts may refer to the test PKI and their scratch directory
	if grep -q '@PKI@' "$in" "tests/cli/$name.cfg" 2>/dev/null; then
		sh tests/pki/gen-test-pki.sh "$tmp/pki" >/dev/null 2>&1
		sed -i "s|@PKI@|$tmp/pki|g" "$d/startup-config"
	fi
	sed -e "s|@PKI@|$tmp/pki|g" -e "s|@DIR@|$d|g" "$in" > "$d/in"
	# the core runs in a network namespace of its own (a test host): SIP listeners
	# opened by a transcript never touch the machine's ports, and the interfaces
	# and addresses that transcripts bind to exist there
	TZ=UTC $netns build/tollgated -f "$d/startup-config" -S "$d/sock" --foreground 2>"$d/log" &
	pid=$!
	i=0; while [ ! -S "$d/sock" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i+1)); done
	build/tollsh -S "$d/sock" --echo < "$d/in" 2>&1 | sed -e "s|$tmp/pki|@PKI@|g" -e "s|$d|@DIR@|g" > "$d/out"
	pkill -TERM -P $pid 2>/dev/null; kill $pid 2>/dev/null; wait $pid 2>/dev/null
	if [ $update = 1 ]; then
		cp "$d/out" "tests/cli/$name.out"; echo "updated $name"; continue
	fi
	if cmp -s "$d/out" "tests/cli/$name.out"; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "FAILED: tests/cli/$name"
		diff -u "tests/cli/$name.out" "$d/out" | head -40
	fi
done
[ $update = 1 ] && exit 0
echo "cli: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
