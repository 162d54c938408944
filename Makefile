# SPDX-License-Identifier: GPL-2.0
#
# XTCP: build xtcp.ko for installed kernels, run the demo and the tests.
#
#   make                 build build/<kver>/xtcp.ko for every kernel under
#                        /lib/modules with a build link (or KDIR=/path, KVER=x)
#   make demo            install deps, build, boot a VM and show XTCP working
#   make check           install deps, build for all kernels, run every
#                        selftest in a VM per kernel, then the CI subset
#                        (scripts/debug-subset.txt) on the debug kernel;
#                        last line "N passed, M failed"
#   make check-debug     build the debug kernel (scripts/debug-kernel.sh,
#                        cached) and run every selftest on it
#   make unit            host-side unit tests of the module's logic (unit/):
#                        mock kernel, no VM, a few seconds; also the first
#                        step of make check
#   make W=1             extra warnings
#   make install         install xtcp.ko for the running kernel (KVER=...)
#                        under /lib/modules/KVER/updates + depmod, the uapi
#                        header, tools, man page, Wireshark plugin
#                        (DESTDIR=, PREFIX=/usr/local, LUA_PLUGIN_DIR=);
#                        see scripts/install.sh
#   make uninstall       remove exactly what install put there (its manifest)
#   make dkms-install    register, build and install XTCP with dkms (KVER=...)
#   make dkms-uninstall  dkms remove, and the sources in /usr/src
#   make dkms-check      dkms build for every kernel in a temporary tree
#   make install-check   host-side checks of install/uninstall (scratch root),
#                        the Wireshark plugin and the man page (no module load)
#   make man-check       lint man/xtcp.7, check it names every sysctl/counter
#   make bench           XTCP against Linux TCP in a VM per kernel (21 min
#                        here with BENCH_PAIRS=2, more with the default 5):
#                        table, CSV and chart of XTCP/TCP ratios under
#                        build/bench/ (scripts/bench.sh; BENCH_KERNELS=,
#                        BENCH_PAIRS=, ... as documented there)

REPO := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))

ifneq ($(KDIR),)
KVERS := $(notdir $(patsubst %/,%,$(dir $(patsubst %/,%,$(KDIR)))))
else
KVERS ?= $(sort $(foreach d,$(wildcard /lib/modules/*/build),$(notdir $(patsubst %/build,%,$(d)))))
endif
ifneq ($(KVER),)
KVERS := $(KVER)
endif

# The 6.1 kernel is the demo's default (the oldest supported kernel).
DEMO_KVER ?= $(firstword $(filter 6.1.%,$(KVERS)) $(KVERS))

MODULE_SRCS := $(wildcard $(REPO)/module/*.c $(REPO)/module/*.h) $(REPO)/Kbuild \
	       $(REPO)/uapi/linux/xtcp.h

.PHONY: all modules _modules deps demo check check-debug selftests tools clean checkpatch \
	unit install uninstall dkms-install dkms-uninstall dkms-check install-check \
	man-check bench

# Debug pass of `make check`: subset (CI), all, or none. The debug kernel is
# never in KVERS (no /lib/modules/*-xtcp-debug/build link); scripts/check.sh
# builds it and xtcp.ko for it.
CHECK_DEBUG ?= subset

all: modules tools

deps:
	@bash $(REPO)/scripts/install-deps.sh

# One out-of-tree build per kernel, each in its own copy of the sources so
# that object files of different kernels never mix; builds started at the
# same time (several shells, a running check) take turns on a lock.
modules:
	@mkdir -p $(REPO)/build
	@flock $(REPO)/build/.lock $(MAKE) -s --no-print-directory _modules \
		KVERS="$(KVERS)" W=$(W)

_modules:
	@if [ -z "$(KVERS)" ]; then \
		echo "xtcp: no kernel headers under /lib/modules/*/build (run: make deps)" >&2; \
		exit 1; fi
	@set -e; for k in $(KVERS); do \
		kdir=$${KDIR:-/lib/modules/$$k/build}; \
		out=$(REPO)/build/$$k; \
		mkdir -p $$out/src/module $$out/src/uapi/linux; \
		cp -u $(REPO)/Kbuild $$out/src/; \
		cp -u $(REPO)/module/*.c $(REPO)/module/*.h $$out/src/module/; \
		cp -u $(REPO)/uapi/linux/xtcp.h $$out/src/uapi/linux/; \
		echo "  KBUILD  $$k"; \
		$(MAKE) -s -C $$kdir M=$$out/src W=$(W) modules; \
		cp $$out/src/xtcp.ko $$out/.xtcp.ko.tmp; \
		mv -f $$out/.xtcp.ko.tmp $$out/xtcp.ko; \
	done

# the tools too: shell tests run the preload shim and install them
selftests: tools
	@$(MAKE) -s -C $(REPO)/selftests

tools:
	@$(MAKE) -s -C $(REPO)/tools

demo: deps
	@$(MAKE) -s modules KVERS="$(DEMO_KVER)"
	@$(MAKE) -s tools
	@bash $(REPO)/scripts/demo.sh $(DEMO_KVER)

# Host-side unit tests (unit/Makefile): module files compiled unchanged
# against mock kernel headers, built plain and with ASan/UBSan, run on this
# host in seconds. Their output ends with its own "N passed, M failed".
unit:
	@$(MAKE) -s --no-print-directory -C $(REPO)/unit -j$$(nproc)

# The unit tests come first: a unit failure stops make check before any
# VM boots (its last line is then the unit run's "N passed, M failed");
# their results are not added into check.sh's totals.
check: deps
	@$(MAKE) -s unit
	@$(MAKE) -s modules W=1
	@$(MAKE) -s selftests
	@$(MAKE) -s tools
	@XTCP_CHECK_BUILT=1 bash $(REPO)/scripts/check.sh $(KVERS) \
		$(if $(filter subset all,$(CHECK_DEBUG)),--debug=$(CHECK_DEBUG))

check-debug: deps
	@$(MAKE) -s selftests
	@$(MAKE) -s tools
	@XTCP_CHECK_BUILT=1 bash $(REPO)/scripts/check.sh --debug=all

# XTCP against Linux TCP, the same guest per kernel (scripts/bench.sh).
BENCH_KERNELS ?= $(KVERS)
bench: deps
	@$(MAKE) -s modules KVERS="$(BENCH_KERNELS)"
	@$(MAKE) -s tools
	@bash $(REPO)/scripts/bench.sh $(BENCH_KERNELS)

# xtcp_trace.h's shared TP_STRUCT__entry field list is a macro that cannot
# be parenthesised (COMPLEX_MACRO is ignored for that file only);
# compat.h's "#if LINUX_VERSION_CODE >= KERNEL_VERSION(...)" reads as every
# out-of-tree module writes it (CONSTANT_COMPARISON, for that file only).
CHECKPATCH = perl /usr/src/linux-source-6.12/scripts/checkpatch.pl --no-tree -q \
	--ignore SPDX_LICENSE_TAG,LINUX_VERSION_CODE,FILE_PATH_CHANGES
checkpatch:
	@$(CHECKPATCH) -f $(REPO)/module/*.c \
		$(filter-out %/xtcp_trace.h %/compat.h,$(wildcard $(REPO)/module/*.h))
	@$(CHECKPATCH) --ignore COMPLEX_MACRO -f $(REPO)/module/xtcp_trace.h
	@$(CHECKPATCH) --ignore CONSTANT_COMPARISON -f $(REPO)/module/compat.h

# kernel-doc lint of module/: fails when scripts/kernel-doc prints anything
# (taken from the unpacked source, else extracted from its tarball into build/).
KERNEL_SRC_TAR ?= /usr/src/linux-source-6.12.tar.xz
.PHONY: kernel-doc
kernel-doc:
	@kd=/usr/src/linux-source-6.12/scripts/kernel-doc; \
	if [ ! -f $$kd ]; then \
		kd=$(REPO)/build/linux-source-6.12/scripts/kernel-doc; \
		if [ ! -f $$kd ]; then \
			mkdir -p $(REPO)/build && \
			tar -C $(REPO)/build -xf $(KERNEL_SRC_TAR) \
				linux-source-6.12/scripts/kernel-doc || exit 1; \
		fi; \
	fi; \
	out=$$(perl $$kd -none -Wall $(REPO)/module/*.c $(REPO)/module/*.h 2>&1); \
	if [ -n "$$out" ]; then echo "$$out"; exit 1; fi

# Long soak of the segment fuzzer (selftests/xtcp_fuzz.c) alone in a guest
# per kernel (KVER=... for one): XTCP_FUZZ_COUNT segments, at most
# XTCP_FUZZ_SECS seconds; XTCP_FUZZ_SEED replays a run (vm-run forwards
# every XTCP_* variable to the guest).
XTCP_FUZZ_COUNT ?= 10000000
XTCP_FUZZ_SECS ?= 14400
.PHONY: fuzz
fuzz:
	@$(MAKE) -s modules
	@$(MAKE) -s selftests
	@XTCP_TESTS=xtcp_fuzz XTCP_FUZZ_COUNT=$(XTCP_FUZZ_COUNT) \
		XTCP_FUZZ_SECS=$(XTCP_FUZZ_SECS) \
		XTCP_TEST_TIMEOUT=$$(($(XTCP_FUZZ_SECS) + 600)) \
		XTCP_VM_TIMEOUT=$$(($(XTCP_FUZZ_SECS) + 900)) \
		bash $(REPO)/scripts/check.sh $(KVERS)

# ---------------------------------------------------------------- install
# Nothing is built here: `make` first (KVER=... for another kernel).
PREFIX ?= /usr/local
DESTDIR ?=
LUA_PLUGIN_DIR ?=
INSTALL_ENV = KVER="$(KVER)" DESTDIR="$(DESTDIR)" PREFIX="$(PREFIX)" \
	LUA_PLUGIN_DIR="$(LUA_PLUGIN_DIR)"

install:
	@$(INSTALL_ENV) bash $(REPO)/scripts/install.sh install

uninstall:
	@$(INSTALL_ENV) bash $(REPO)/scripts/install.sh uninstall

dkms-install:
	@bash $(REPO)/scripts/dkms.sh install $(KVER)

dkms-uninstall:
	@bash $(REPO)/scripts/dkms.sh uninstall

dkms-check:
	@bash $(REPO)/scripts/dkms.sh check $(KVERS)

install-check:
	@bash $(REPO)/scripts/install-check.sh $(KVERS)

# xtcp(7) renders without a warning (groff -ww; mandoc -Tlint when
# installed) and names every sysctl and counter of module/
man-check:
	@bash $(REPO)/scripts/man-check.sh

clean:
	rm -rf $(REPO)/build
	-@$(MAKE) -s -C $(REPO)/selftests clean 2>/dev/null
	-@$(MAKE) -s -C $(REPO)/tools clean 2>/dev/null
