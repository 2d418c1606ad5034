# Beacon: a thin wrapper around CMake for the everyday commands.
#
#   make run        a private broker and beacond in the foreground (Ctrl-C stops)
#   make check      build and run every test
#   make sanitize   the same under AddressSanitizer and UBSan
#   make bench      the benchmarks (docs/benchmarks.md); QUICK=1 for a smoke run
#   make install    install what `make build` built (PREFIX=/usr to change)
#
# BUILD names the build directory (default: build).

BUILD ?= build
ASAN_BUILD ?= build-asan
PREFIX ?=

# The Debian packages the build, the tests and `make run` need. tzdata
# because beacon.conf names each branch's time zone; jq and python3 because
# the integration tests read JSON and act as systemd's notify socket;
# chromium and fonts-liberation (the font the board report asks for) because
# t_report_html renders the report headless and checks the picture;
# libevdev-dev because beacon-button reads its button through evdev; nodejs
# and npm because the web pages are bundled from npm packages and their
# tests drive Chromium with playwright-core; libssl-dev and openssl because
# beacond's push notifier speaks https (and t_push makes test
# certificates). A package whose command is
# already on the PATH counts as installed (a Node.js from elsewhere brings
# its own npm, and Debian's npm would conflict with it).
DEPS = build-essential cmake pkg-config libmosquitto-dev libevent-dev \
	libssl-dev openssl \
	libsqlite3-dev sqlite3 libjansson-dev libconfig-dev libcmocka-dev \
	mosquitto mosquitto-clients libsystemd-dev tzdata jq python3 \
	chromium fonts-liberation libevdev-dev nodejs npm

# Prerequisites run in the order written: deps, then build, then the rest.
.NOTPARALLEL:
.PHONY: all deps build check run sanitize clean install bench

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

build:
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo
	cmake --build $(BUILD) -j2

check: deps build
	ctest --test-dir $(BUILD) --output-on-failure -j2

# About 9 minutes on 2 cores: the load scenarios (run.sh), then timers,
# memory, restart and queries. QUICK=1 runs the load scenarios for a few
# seconds each into bench/results/quick and leaves docs/benchmarks.md alone.
# valgrind.sh needs valgrind; queries.sh times with hyperfine. A
# target-specific value reaches the deps prerequisite too.
bench: DEPS += valgrind hyperfine
bench: deps build
	BUILD=$(BUILD) bench/run.sh $(if $(filter 1,$(QUICK)),--quick)
ifneq ($(QUICK),1)
	for s in timers memory restart queries open valgrind; do \
		BUILD=$(BUILD) bench/$$s.sh || exit 1; \
	done
endif

run: deps build
	BUILD=$(BUILD) conf/run.sh

# halt_on_error makes UBSan findings fail the test that triggered them.
sanitize: deps
	cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DBEACON_SANITIZE=ON
	cmake --build $(ASAN_BUILD) -j2
	ASAN_OPTIONS=abort_on_error=0:detect_leaks=1 \
	    UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	    ctest --test-dir $(ASAN_BUILD) --output-on-failure -j2

clean:
	rm -rf $(BUILD) $(ASAN_BUILD)

install:
	cmake --install $(BUILD) $(if $(PREFIX),--prefix $(PREFIX))
