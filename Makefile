# Tollgate build.  `make` builds build/tollgated and build/tollsh;
# `make check` installs what it needs and runs every test; `make run` starts a lab core.
CC      ?= gcc
PREFIX  ?= /usr/local
DESTDIR ?=
B       := build
PKGS    := gnutls nettle yaml-0.1 libsrtp2 libcares liburing
CFLAGS  ?= -O2 -g
CFLAGS  += -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wno-unused-parameter -I. \
           $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
CFLAGS  += $(if $(findstring clang,$(CC)),,-Wno-format-truncation)
LDLIBS_CORE := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
LDLIBS_SH   := -lreadline

# Every .c under core/ sip/ media/ cli/ is part of the core library, except the
# core's main and the shell's own files (cli/tollsh*.c).
MAINS     := core/main.c $(wildcard cli/tollsh*.c)
LIB_SRCS  := $(filter-out $(MAINS),$(wildcard core/*.c sip/*.c media/*.c cli/*.c))
LIB_OBJS  := $(LIB_SRCS:%.c=$(B)/obj/%.o)
SH_SRCS   := cli/tollsh.c cli/tollsh_term.c core/proto.c core/buf.c
UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(B)/tests/%)
ASAN_BINS := $(UNIT_SRCS:tests/unit/%.c=$(B)/asan/%)
PYTEST    := /usr/bin/python3 -m pytest

.PHONY: all deps run check unit asan cli-tests e2e e2e-asan install clean fuzz bench docs docs-check
all: $(B)/tollgated $(B)/tollsh

Q := @
$(B)/obj/%.o: %.c $(wildcard */*.h)
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(CFLAGS) -c -o $@ $<

$(B)/tollgated: $(B)/obj/core/main.o $(LIB_OBJS)
	@echo "  LD      $@"
	$(Q)$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS_CORE)

$(B)/tollsh: $(SH_SRCS:%.c=$(B)/obj/%.o)
	@echo "  LD      $@"
	$(Q)$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS_SH)

$(B)/tests/%: tests/unit/%.c $(LIB_OBJS)
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	$(Q)$(CC) $(CFLAGS) -o $@ $< $(LIB_OBJS) $(LDLIBS_CORE) -lcmocka

# route benchmark (not a test): 10,000 dial-peers, build time and lookups per second
$(B)/bench/bench_route: tests/bench/bench_route.c $(LIB_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $< $(LIB_OBJS) $(LDLIBS_CORE)

# SRTP micro benchmark (not a test): protect+unprotect pairs/s, AES_CM_128_HMAC_SHA1_80 and AEAD_AES_128_GCM
$(B)/bench/srtp_bench: tests/bench/srtp_bench.c $(LIB_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $< $(LIB_OBJS) $(LDLIBS_CORE)

# media relay load generator (not a test): N G.711 streams at 50 pps through the relay thread,
# loss and relay CPU per packet (`relay_load -n 1000 -s 10`; -b bidirectional, -t threads)
$(B)/bench/relay_load: tests/bench/relay_load.c $(LIB_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $< $(LIB_OBJS) $(LDLIBS_CORE)

# SRTP media load generator for `make bench` (not a test): N calls, SRTP into leg A, plain RTP out of
# leg B (and back with -b), through Tollgate's relay in-process (-T) or an external relay such as
# rtpengine (sessions on stdin); checks every packet, prints loss and relay CPU per packet
$(B)/bench/media_load: tests/bench/media_load.c $(LIB_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $< $(LIB_OBJS) $(LDLIBS_CORE)

# idle TLS connection holder for `make bench` (memory per connection): GnuTLS client, epoll
$(B)/bench/tls_hold: tests/bench/tls_hold.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $< $(shell pkg-config --libs gnutls)

# `make bench` (not part of `make check`; about 6-8 minutes, loopback only): SIP/TLS call rate
# of Tollgate vs a kamailio TLS proxy, route index, 10,000 dial-peers loaded, memory per idle
# TLS connection; prints the comparison and writes $(B)/bench/report.txt.  BENCH_RATES,
# BENCH_DURATION, BENCH_CONNS, BENCH_ONLY=sip,route,load,tls narrow it (tests/bench/bench.py).
bench: all $(B)/bench/bench_route $(B)/bench/tls_hold $(B)/bench/media_load
	@timeout 900 /usr/bin/python3 tests/bench/bench.py --build $(B)
	@timeout 900 /usr/bin/python3 tests/bench/media_bench.py --build $(B)

ASAN_FLAGS := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
ASAN_OBJS  := $(LIB_SRCS:%.c=$(B)/asan/obj/%.o)
$(B)/asan/obj/%.o: %.c $(wildcard */*.h)
	@mkdir -p $(dir $@)
	@echo "  CC ASAN $<"
	$(Q)$(CC) $(filter-out -O2,$(CFLAGS)) $(ASAN_FLAGS) -c -o $@ $<
$(B)/asan/%: tests/unit/%.c $(ASAN_OBJS)
	@mkdir -p $(dir $@)
	@echo "  LD ASAN $@"
	$(Q)$(CC) $(filter-out -O2,$(CFLAGS)) $(ASAN_FLAGS) -o $@ $< $(ASAN_OBJS) $(LDLIBS_CORE) -lcmocka

# The core and the shell under ASan+UBSan, for the e2e tests that run on them
# (e2e-asan): a sanitizer report in a core's log fails the test (tests/e2e/conftest.py).
$(B)/asan/tollgated: $(B)/asan/obj/core/main.o $(ASAN_OBJS)
	@echo "  LD ASAN $@"
	$(Q)$(CC) $(filter-out -O2,$(CFLAGS)) $(ASAN_FLAGS) -o $@ $^ $(LDLIBS_CORE)
$(B)/asan/tollsh: $(SH_SRCS:%.c=$(B)/asan/obj/%.o)
	@echo "  LD ASAN $@"
	$(Q)$(CC) $(filter-out -O2,$(CFLAGS)) $(ASAN_FLAGS) -o $@ $^ $(LDLIBS_SH)

# calls with and without media, SRTP, early offer, re-INVITEs, boot and reload paths
E2E_ASAN := tests/e2e/test_sip_calls.py tests/e2e/test_media_sipp.py tests/e2e/test_call_policy.py \
	    tests/e2e/test_boot.py tests/e2e/test_sip_protocol.py tests/e2e/test_tls_server.py
e2e-asan: $(B)/asan/tollgated $(B)/asan/tollsh
	@TOLLGATE_BUILD=$(B)/asan ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
		UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		$(PYTEST) -q -p no:cacheprovider $(E2E_ASAN)

deps:
	@sh tests/deps.sh

unit: $(UNIT_BINS)
	@sh tests/run-unit.sh $(UNIT_BINS)

asan: $(ASAN_BINS)
	@sh tests/run-unit.sh $(ASAN_BINS)

cli-tests: all
	@sh tests/cli/run.sh

e2e: all
	@$(PYTEST) -q -p no:cacheprovider tests/e2e

check: deps
	@$(MAKE) --no-print-directory all
	@$(MAKE) --no-print-directory B=$(B)/clang CC=clang all >/dev/null
	@$(MAKE) --no-print-directory docs-check
	@$(MAKE) --no-print-directory unit
	@$(MAKE) --no-print-directory asan
	@$(MAKE) --no-print-directory fuzz-smoke
	@$(MAKE) --no-print-directory cli-tests
	@$(MAKE) --no-print-directory e2e
	@$(MAKE) --no-print-directory e2e-asan

run: deps all
	@sh conf/examples/run-lab.sh

docs: $(B)/tollgated
	$(B)/tollgated --dump-commands > docs/commands.md

# the command reference must match the grammar: a command is not done until documented
docs-check: $(B)/tollgated
	@$(B)/tollgated --dump-commands | cmp -s - docs/commands.md || \
		{ echo "docs/commands.md is out of date: run 'make docs'"; exit 1; }
	@echo "docs: commands.md matches the grammar"

install: all
	install -d $(DESTDIR)$(PREFIX)/sbin $(DESTDIR)$(PREFIX)/bin $(DESTDIR)/etc/tollgate \
		$(DESTDIR)/lib/systemd/system $(DESTDIR)$(PREFIX)/share/doc/tollgate
	install -m 0755 $(B)/tollgated $(DESTDIR)$(PREFIX)/sbin/tollgated
	install -m 0755 $(B)/tollsh $(DESTDIR)$(PREFIX)/bin/tollsh
	sed 's|@PREFIX@|$(PREFIX)|g' conf/tollgated.service.in > $(DESTDIR)/lib/systemd/system/tollgated.service
	[ -e $(DESTDIR)/etc/tollgate/startup-config ] || \
		install -m 0640 conf/examples/startup-config $(DESTDIR)/etc/tollgate/startup-config
	install -m 0644 README.md docs/*.md $(DESTDIR)$(PREFIX)/share/doc/tollgate/
	install -d $(DESTDIR)$(PREFIX)/share/doc/tollgate/examples $(DESTDIR)$(PREFIX)/share/doc/tollgate/interop
	install -m 0644 conf/examples/*.cfg conf/examples/*.yaml $(DESTDIR)$(PREFIX)/share/doc/tollgate/examples/
	[ ! -d docs/interop ] || install -m 0644 docs/interop/*.md $(DESTDIR)$(PREFIX)/share/doc/tollgate/interop/

clean:
	rm -rf $(B)

# libFuzzer targets for the SIP message format (sip/msg*.c sip/uri*.c sip/hdr*.c)
# and the SDP format (media/sdp*.c), each built with clang against its sources
# only.  `make fuzz` runs each for 60 s, `make fuzz-smoke` (called by make check)
# each for 15 s; new inputs go to build/fuzz/corpus/NAME, crashes to
# build/fuzz/crash-*, the seeds stay in tests/fuzz/corpus/NAME.
FUZZ_SIP_SRCS := tests/fuzz/fuzz_sipmsg.c $(wildcard sip/msg*.c sip/uri*.c sip/hdr*.c) core/buf.c
FUZZ_FLAGS    := -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wno-unused-parameter -I. -g -O1 \
                 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
FUZZ_RUN       = $(B)/fuzz/fuzz_sipmsg -rss_limit_mb=2048 -artifact_prefix=$(B)/fuzz/ \
                 $(B)/fuzz/corpus/sipmsg tests/fuzz/corpus/sipmsg
$(B)/fuzz/fuzz_sipmsg: $(FUZZ_SIP_SRCS) $(wildcard sip/msg*.h sip/uri.h core/buf.h)
	@mkdir -p $(dir $@) $(B)/fuzz/corpus/sipmsg
	clang $(FUZZ_FLAGS) -o $@ $(FUZZ_SIP_SRCS)

FUZZ_SDP_SRCS := tests/fuzz/fuzz_sdp.c $(wildcard media/sdp*.c) core/buf.c
FUZZ_SDP_RUN   = $(B)/fuzz/fuzz_sdp -rss_limit_mb=2048 -artifact_prefix=$(B)/fuzz/ \
                 $(B)/fuzz/corpus/sdp tests/fuzz/corpus/sdp
$(B)/fuzz/fuzz_sdp: $(FUZZ_SDP_SRCS) $(wildcard media/sdp*.h core/buf.h)
	@mkdir -p $(dir $@) $(B)/fuzz/corpus/sdp
	clang $(FUZZ_FLAGS) -o $@ $(FUZZ_SDP_SRCS)

fuzz: $(B)/fuzz/fuzz_sipmsg $(B)/fuzz/fuzz_sdp
	$(FUZZ_RUN) -max_total_time=60
	$(FUZZ_SDP_RUN) -max_total_time=60

.PHONY: fuzz-smoke
fuzz-smoke: $(B)/fuzz/fuzz_sipmsg $(B)/fuzz/fuzz_sdp
	@$(FUZZ_RUN) -max_total_time=15 2>$(B)/fuzz/smoke.log || \
		{ tail -n 40 $(B)/fuzz/smoke.log; exit 1; }
	@grep -o 'Done [0-9]* runs in [0-9]* second(s)' $(B)/fuzz/smoke.log | sed 's/^/fuzz: sipmsg: /'
	@$(FUZZ_SDP_RUN) -max_total_time=15 2>$(B)/fuzz/smoke-sdp.log || \
		{ tail -n 40 $(B)/fuzz/smoke-sdp.log; exit 1; }
	@grep -o 'Done [0-9]* runs in [0-9]* second(s)' $(B)/fuzz/smoke-sdp.log | sed 's/^/fuzz: sdp: /'
