# Beacon: a thin wrapper around CMake for the everyday commands.
#
#   make run        a private broker and beacond in the foreground (Ctrl-C stops)
#   make check      build and run every test (SAN=1: as make sanitize)
#   make sanitize   the same under AddressSanitizer and UBSan
#   make fuzz       each libFuzzer harness for FUZZ_TIME seconds (clang)
#   make bench      the benchmarks (docs/benchmarks.md); QUICK=1 for a smoke run
#   make bench-pair the standby pair's cost and takeovers (docs/deployment.md)
#   make bench-profile  perf profiles of beacond (docs/benchmarks.md)
#   make soak       the fault tests' long forms (docs/reliability.md)
#   make install    install what `make build` built (PREFIX=/usr to change)
#   make certs      a private CA and TLS certificates (docs/security.md)
#
# BUILD names the build directory (default: build).

BUILD ?= build
ASAN_BUILD ?= build-asan
FUZZ_BUILD ?= build-fuzz
# Seconds per harness; what each run finds goes to fuzz/work (ignored).
FUZZ_TIME ?= 60
FUZZ_HARNESSES = report respond query device client config
PREFIX ?=
# make certs: where the CA and certificates go, the broker's names and
# addresses (default: this machine's name, localhost, 127.0.0.1) and the
# client certificates to make besides beacond's (conf/make-certs.sh).
CERTS_DIR ?= var/certs
CERTS_HOSTS ?=
CERTS_CLIENTS ?=

# The Debian packages the build, the tests and `make run` need. tzdata
# because beacon.conf names each branch's time zone; jq and python3 because
# the integration tests read JSON and act as systemd's notify socket;
# chromium and fonts-liberation (the font the board report asks for) because
# t_report_html renders the report headless and checks the picture;
# libevdev-dev because beacon-button reads its button through evdev; nodejs
# and npm because the web pages are bundled from npm packages and their
# tests drive Chromium with playwright-core; libssl-dev and openssl because
# beacond's push notifier speaks https (and t_push makes test
# certificates; `make certs` makes a site's); systemd for systemd-analyze,
# with which t_systemd, t_button_systemd and t_unit_security check the
# units (a container's minimal Debian may lack it). A package whose command is
# already on the PATH counts as installed (a Node.js from elsewhere brings
# its own npm, and Debian's npm would conflict with it). gettext because
# the build compiles po/*.po with msgfmt; locales because beacond's French
# texts are looked up in a French C library locale, which deps makes
# (fr_CA.UTF-8) when the machine lacks one (docs/translation.md).
DEPS = build-essential cmake pkg-config libmosquitto-dev libevent-dev \
	gettext locales \
	libssl-dev openssl \
	libsqlite3-dev sqlite3 libjansson-dev libconfig-dev libcmocka-dev \
	mosquitto mosquitto-clients libsystemd-dev tzdata jq python3 curl \
	chromium fonts-liberation libevdev-dev nodejs npm systemd \
	libqrencode-dev

# Prerequisites run in the order written: deps, then build, then the rest.
.NOTPARALLEL:
.PHONY: all deps locale build check run sanitize clean install bench bench-pair \
	bench-profile fuzz certs

all: build

# Install only what is missing; root (or sudo) is needed only then.
deps:
	@if ! command -v dpkg-query >/dev/null 2>&1; then \
		echo "deps: not a Debian system; install the equivalents of:" \
		    "$(DEPS)" >&2; \
		exit 0; \
	fi; \
	missing=""; \
	for p in $(DEPS); do \
		dpkg-query -W -f='$${Status}' "$$p" 2>/dev/null | \
		    grep -q 'install ok installed' || \
		    command -v "$$p" >/dev/null 2>&1 || missing="$$missing $$p"; \
	done; \
	if [ -z "$$missing" ]; then \
		echo "deps: every package is installed"; \
		exit 0; \
	fi; \
	echo "deps: installing$$missing"; \
	sudo=""; \
	if [ "$$(id -u)" -ne 0 ]; then \
		command -v sudo >/dev/null 2>&1 || { \
			echo "deps: run 'make deps' as root to install$$missing" >&2; \
			exit 1; }; \
		sudo=sudo; \
	fi; \
	$$sudo apt-get update && \
	    $$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y \
	    --no-install-recommends $$missing
	@$(MAKE) --no-print-directory locale

# The French locale beacond's French texts need (lib/i18n.c), made from
# Debian's locales package when the machine has no French UTF-8 locale.
locale:
	@if locale -a 2>/dev/null | grep -qi '^fr_[A-Z][A-Z]\.utf-\?8$$'; then \
		exit 0; \
	fi; \
	if ! command -v localedef >/dev/null 2>&1; then \
		echo "locale: no localedef; French texts will fall back to" \
		    "English (docs/translation.md)" >&2; \
		exit 0; \
	fi; \
	sudo=""; \
	if [ "$$(id -u)" -ne 0 ]; then \
		command -v sudo >/dev/null 2>&1 || { \
			echo "locale: run 'make locale' as root to make" \
			    "fr_CA.UTF-8" >&2; \
			exit 1; }; \
		sudo=sudo; \
	fi; \
	echo "locale: making fr_CA.UTF-8"; \
	$$sudo localedef -i fr_CA -c -f UTF-8 -A /usr/share/locale/locale.alias \
	    fr_CA.UTF-8

build:
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo
	cmake --build $(BUILD) -j2

# SAN=1: the same suite under the sanitizers, in $(ASAN_BUILD).
ifeq ($(SAN),1)
check: sanitize
else
check: deps build
	ctest --test-dir $(BUILD) --output-on-failure -j2
endif

# About 10 minutes on 2 cores: the load scenarios (run.sh), then timers,
# memory, restart and queries. QUICK=1 runs the load scenarios for a few
# seconds each into bench/results/quick and leaves docs/benchmarks.md alone.
# valgrind.sh needs valgrind; queries.sh times with hyperfine. A
# target-specific value reaches the deps prerequisite too.
bench: DEPS += valgrind hyperfine strace
bench: deps build
	BUILD=$(BUILD) bench/run.sh $(if $(filter 1,$(QUICK)),--quick)
ifneq ($(QUICK),1)
	for s in timers memory restart queries open flood valgrind push console \
	    shipped walpages nodered langcost; do \
		BUILD=$(BUILD) bench/$$s.sh || exit 1; \
	done
endif

# Apart from make bench, which must stay under 10 minutes: 2 minutes more.
bench-pair: deps build
	BUILD=$(BUILD) bench/pair.sh

# perf profiles of beacond, steady and over its first 3 s
# (bench/results/profile-*.txt; docs/benchmarks.md, "Profiles"): a minute.
bench-profile: DEPS += linux-perf
bench-profile: deps build
	BUILD=$(BUILD) bench/profile.sh

run: deps build
	BUILD=$(BUILD) conf/run.sh

# halt_on_error makes UBSan findings fail the test that triggered them.
sanitize: deps
	cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DBEACON_SANITIZE=ON
	cmake --build $(ASAN_BUILD) -j2
	ASAN_OPTIONS=abort_on_error=0:detect_leaks=1 \
	    UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	    ctest --test-dir $(ASAN_BUILD) --output-on-failure -j2

# libFuzzer comes with clang; Debian ships its runtime in libclang-rt-dev.
# Each harness starts from its committed seeds (fuzz/corpus/NAME) and
# writes the inputs it finds, and any crash, under fuzz/work/NAME; a
# finding worth keeping is minimized and added to fuzz/corpus by hand.
fuzz: DEPS += clang libclang-rt-dev
fuzz: deps
	cmake -S . -B $(FUZZ_BUILD) -DCMAKE_C_COMPILER=clang \
	    -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBEACON_FUZZ=ON
	cmake --build $(FUZZ_BUILD) -j2
	for h in $(FUZZ_HARNESSES); do \
		mkdir -p fuzz/work/$$h/corpus || exit 1; \
		LSAN_OPTIONS=suppressions=fuzz/lsan.supp:print_suppressions=0 \
		$(FUZZ_BUILD)/fuzz/fuzz_$$h -max_total_time=$(FUZZ_TIME) \
		    -print_final_stats=1 -artifact_prefix=fuzz/work/$$h/ \
		    fuzz/work/$$h/corpus fuzz/corpus/$$h || exit 1; \
	done

# The long forms of the fault tests that `make check` runs briefly
# (docs/reliability.md), about 4 minutes: beacond killed (-9) 100 times
# under 200 reports/s, the broker restarted 12 times under 30 reports/s
# (its save after every change is the limit), and a broker gone for the
# full 60 s.
.PHONY: soak
SOAK = BEACON_SRC=$(CURDIR) BEACON_BUILD=$(abspath $(BUILD)) bash
soak: deps build
	BEACON_KILLS=100 BEACON_RATE=200 $(SOAK) tests/integration/t_kill9_load.sh
	BEACON_RESTARTS=12 BEACON_RATE=30 \
	    $(SOAK) tests/integration/t_broker_restart.sh
	BEACON_OUTAGE=60 BEACON_RATE=20 $(SOAK) tests/integration/t_broker_outage.sh

# Never replaces an existing CA: running it again adds what is missing.
certs:
	CERTS_DIR='$(CERTS_DIR)' CERTS_HOSTS='$(CERTS_HOSTS)' \
	    CERTS_CLIENTS='$(CERTS_CLIENTS)' conf/make-certs.sh

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD)

install:
	cmake --install $(BUILD) $(if $(PREFIX),--prefix $(PREFIX))
