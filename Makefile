# Tollgate build.  `make` builds build/tollgated and build/tollsh;
# `make check` installs what it needs and runs every test; `make run` starts a lab core.
CC      ?= gcc
PREFIX  ?= /usr/local
DESTDIR ?=
B       := build
PKGS    := gnutls yaml-0.1 libsrtp2
CFLAGS  ?= -O2 -g
CFLAGS  += -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wno-unused-parameter -I. \
           $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LDLIBS_CORE := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
LDLIBS_SH   := -lreadline

# Every .c under core/ sip/ media/ cli/ is part of the core library, except mains.
MAINS     := core/main.c cli/tollsh.c
LIB_SRCS  := $(filter-out $(MAINS),$(wildcard core/*.c sip/*.c media/*.c cli/*.c))
LIB_OBJS  := $(LIB_SRCS:%.c=$(B)/obj/%.o)
SH_SRCS   := cli/tollsh.c core/proto.c core/buf.c
UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(B)/tests/%)
ASAN_BINS := $(UNIT_SRCS:tests/unit/%.c=$(B)/asan/%)
PYTEST    := /usr/bin/python3 -m pytest

.PHONY: all deps run check unit asan cli-tests e2e install clean fuzz bench docs
all: $(B)/tollgated $(B)/tollsh

$(B)/obj/%.o: %.c $(wildcard */*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c -o $@ $<

$(B)/tollgated: $(B)/obj/core/main.o $(LIB_OBJS)
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS_CORE)

$(B)/tollsh: $(SH_SRCS:%.c=$(B)/obj/%.o)
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS_SH)

$(B)/tests/%: tests/unit/%.c $(LIB_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $< $(LIB_OBJS) $(LDLIBS_CORE) -lcmocka

ASAN_FLAGS := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
ASAN_OBJS  := $(LIB_SRCS:%.c=$(B)/asan/obj/%.o)
$(B)/asan/obj/%.o: %.c $(wildcard */*.h)
	@mkdir -p $(dir $@)
	$(CC) $(filter-out -O2,$(CFLAGS)) $(ASAN_FLAGS) -c -o $@ $<
$(B)/asan/%: tests/unit/%.c $(ASAN_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(filter-out -O2,$(CFLAGS)) $(ASAN_FLAGS) -o $@ $< $(ASAN_OBJS) $(LDLIBS_CORE) -lcmocka

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
	@$(MAKE) --no-print-directory unit
	@$(MAKE) --no-print-directory asan
	@$(MAKE) --no-print-directory cli-tests
	@$(MAKE) --no-print-directory e2e

run: deps all
	@sh conf/examples/run-lab.sh

docs: $(B)/tollgated
	$(B)/tollgated --dump-commands > docs/commands.md

install: all
	install -d $(DESTDIR)$(PREFIX)/sbin $(DESTDIR)$(PREFIX)/bin $(DESTDIR)/etc/tollgate \
		$(DESTDIR)/lib/systemd/system $(DESTDIR)$(PREFIX)/share/doc/tollgate
	install -m 0755 $(B)/tollgated $(DESTDIR)$(PREFIX)/sbin/tollgated
	install -m 0755 $(B)/tollsh $(DESTDIR)$(PREFIX)/bin/tollsh
	sed 's|@PREFIX@|$(PREFIX)|g' conf/tollgated.service.in > $(DESTDIR)/lib/systemd/system/tollgated.service
	[ -e $(DESTDIR)/etc/tollgate/startup-config ] || \
		install -m 0640 conf/examples/startup-config $(DESTDIR)/etc/tollgate/startup-config
	install -m 0644 README.md docs/*.md $(DESTDIR)$(PREFIX)/share/doc/tollgate/

clean:
	rm -rf $(B)
