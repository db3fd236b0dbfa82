# SPDX-License-Identifier: BSD-2-Clause
# xpmip: build the BPF data plane, its skeletons, the daemon and the tests.
# `make V=1` shows full commands.

BUILD		?= build
CLANG		?= clang
CC		?= gcc
BPFTOOL		?= bpftool
ARCH		:= $(shell uname -m | sed 's/x86_64/x86/;s/aarch64/arm64/')

ifeq ($(V),1)
Q :=
msg =
else
Q := @
msg = @printf '  %-8s %s\n' "$(1)" "$(2)";
endif

WARN		:= -Wall -Wextra -Werror
CFLAGS		?= -O2 -g
USER_CFLAGS	:= $(CFLAGS) $(WARN) -std=gnu11 -D_GNU_SOURCE \
		   -Iheaders -Iuser -I$(BUILD)
BPF_CFLAGS	:= -O2 -g -target bpf -D__TARGET_ARCH_$(ARCH) $(WARN) \
		   -Wno-unused-function -Ivmlinux -Iheaders -Ibpf
LIBS		:= -lbpf -lelf -lz -lcap-ng -levent -lconfig -lmnl

# BPF: every bpf/<job>.bpf.c becomes an object and a skeleton.
BPF_SRCS	:= $(wildcard bpf/*.bpf.c)
BPF_OBJS	:= $(patsubst bpf/%.bpf.c,$(BUILD)/%.bpf.o,$(BPF_SRCS))
SKELS		:= $(patsubst bpf/%.bpf.c,$(BUILD)/%.skel.h,$(BPF_SRCS))
BPF_HDRS	:= $(wildcard bpf/*.h) $(wildcard headers/*.h)

# Userspace: every user/*.c but the mains goes into libxpmip.a.
USER_MAINS	:= user/xpmipd.c user/xpmipctl.c
USER_LIB_SRCS	:= $(filter-out $(USER_MAINS),$(wildcard user/*.c))
USER_LIB_OBJS	:= $(patsubst user/%.c,$(BUILD)/user/%.o,$(USER_LIB_SRCS))
USER_HDRS	:= $(wildcard user/*.h) $(wildcard headers/*.h)
TEST_HDRS	:= $(wildcard tests/lib/*.h)
LIBXPMIP	:= $(BUILD)/libxpmip.a
BINS		:= $(patsubst user/%.c,$(BUILD)/%,$(wildcard $(USER_MAINS)))

# Tests: tests/unit/test_*.c (cmocka) and tests/bpf/test_*.c (BPF test-run).
UNIT_SRCS	:= $(wildcard tests/unit/test_*.c)
UNIT_BINS	:= $(patsubst tests/unit/%.c,$(BUILD)/tests/unit/%,$(UNIT_SRCS))
BPFT_SRCS	:= $(wildcard tests/bpf/test_*.c)
BPFT_BINS	:= $(patsubst tests/bpf/%.c,$(BUILD)/tests/bpf/%,$(BPFT_SRCS))
# Helper programs for tests and benchmarks: tests/tools/<x>.c -> build/tools/<x>,
# tests/bench/<x>.c -> build/bench/<x>, both linked with libxpmip.a.
TOOL_SRCS	:= $(wildcard tests/tools/*.c)
TOOL_BINS	:= $(patsubst tests/tools/%.c,$(BUILD)/tools/%,$(TOOL_SRCS))
BENCH_SRCS	:= $(wildcard tests/bench/*.c)
BENCH_BINS	:= $(patsubst tests/bench/%.c,$(BUILD)/bench/%,$(BENCH_SRCS))
TEST_BINS	:= $(UNIT_BINS) $(BPFT_BINS) $(TOOL_BINS) $(BENCH_BINS)

# Fuzzers: tests/fuzz/fuzz_<module>.c links user/<module>.c (+ user/log.c),
# built with clang, libFuzzer, ASan and UBSan.
FUZZ_SRCS	:= $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BINS	:= $(patsubst tests/fuzz/%.c,$(BUILD)/fuzz/%,$(FUZZ_SRCS))
FUZZ_CFLAGS	:= -g -O1 -fsanitize=fuzzer,address,undefined \
		   -fno-sanitize-recover=all $(WARN) -std=gnu11 -D_GNU_SOURCE \
		   -Iheaders -Iuser -Itests/lib
FUZZ_TIME	?= 60

.DELETE_ON_ERROR:
.SECONDARY:
.PHONY: all bpf user tests fuzz-build fuzz test bench demo deps clean \
	format lint vmlinux

all: bpf user tests

bpf: $(BPF_OBJS) $(SKELS)
user: $(BINS)
tests: $(TEST_BINS) fuzz-build
fuzz-build: $(FUZZ_BINS)

$(BUILD) $(BUILD)/user $(BUILD)/tests/unit $(BUILD)/tests/bpf $(BUILD)/fuzz \
$(BUILD)/tools $(BUILD)/bench:
	$(Q)mkdir -p $@

$(BUILD)/%.bpf.o: bpf/%.bpf.c $(BPF_HDRS) | $(BUILD)
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(BUILD)/%.skel.h: $(BUILD)/%.bpf.o
	$(call msg,GEN-SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name $(subst -,_,$*) > $@

$(BUILD)/user/%.o: user/%.c $(USER_HDRS) $(SKELS) | $(BUILD)/user
	$(call msg,CC,$@)
	$(Q)$(CC) $(USER_CFLAGS) -c $< -o $@

$(LIBXPMIP): $(USER_LIB_OBJS) | $(BUILD)
	$(call msg,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $^

$(BUILD)/%: $(BUILD)/user/%.o $(LIBXPMIP)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(USER_CFLAGS) $< $(LIBXPMIP) $(LIBS) -o $@

$(BUILD)/tests/unit/%: tests/unit/%.c $(LIBXPMIP) $(USER_HDRS) $(TEST_HDRS) \
		| $(BUILD)/tests/unit
	$(call msg,CC,$@)
	$(Q)$(CC) $(USER_CFLAGS) -Itests/lib $< $(LIBXPMIP) -lcmocka $(LIBS) -o $@

$(BUILD)/tests/bpf/%: tests/bpf/%.c $(LIBXPMIP) $(SKELS) $(USER_HDRS) \
		| $(BUILD)/tests/bpf
	$(call msg,CC,$@)
	$(Q)$(CC) $(USER_CFLAGS) -Itests/lib $< $(LIBXPMIP) -lcmocka $(LIBS) -o $@

$(BUILD)/tools/%: tests/tools/%.c $(LIBXPMIP) $(SKELS) $(USER_HDRS) \
		| $(BUILD)/tools
	$(call msg,CC,$@)
	$(Q)$(CC) $(USER_CFLAGS) -Itests/lib $< $(LIBXPMIP) $(LIBS) -o $@

$(BUILD)/bench/%: tests/bench/%.c $(LIBXPMIP) $(SKELS) $(USER_HDRS) \
		| $(BUILD)/bench
	$(call msg,CC,$@)
	$(Q)$(CC) $(USER_CFLAGS) -Itests/lib $< $(LIBXPMIP) $(LIBS) -o $@

$(BUILD)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c user/%.c user/log.c $(USER_HDRS) \
		$(TEST_HDRS) \
		| $(BUILD)/fuzz
	$(call msg,FUZZ-CC,$@)
	$(Q)$(CLANG) $(FUZZ_CFLAGS) $< user/$*.c user/log.c -o $@

# The LMA and MAG state machines also need their helper modules.
SM_FUZZ_SRCS	:= user/lma.c user/mag.c user/bce.c user/pool.c \
		   user/timer.c user/clock.c user/mh.c user/log.c
$(BUILD)/fuzz/fuzz_lma $(BUILD)/fuzz/fuzz_mag: $(BUILD)/fuzz/fuzz_%: \
		tests/fuzz/fuzz_%.c $(SM_FUZZ_SRCS) $(USER_HDRS) $(TEST_HDRS) \
		| $(BUILD)/fuzz
	$(call msg,FUZZ-CC,$@)
	$(Q)$(CLANG) $(FUZZ_CFLAGS) $< $(SM_FUZZ_SRCS) -o $@

deps:
	$(Q)scripts/deps.sh

test: deps all
	$(Q)tests/run.sh

fuzz: fuzz-build
	$(Q)tests/fuzz/run.sh $(FUZZ_TIME)

bench: deps all
	$(Q)scripts/bench.sh

demo: deps all
	$(Q)scripts/demo.sh

vmlinux:
	$(Q)vmlinux/gen.sh

format:
	$(Q)clang-format -i $$(git ls-files '*.c' '*.h' | grep -v vmlinux/)

lint:
	$(Q)clang-format --dry-run -Werror $$(git ls-files '*.c' '*.h' | grep -v vmlinux/)
	$(Q)cppcheck --quiet --error-exitcode=1 --enable=warning,portability \
		--inline-suppr -Iheaders -Iuser user tests/unit

clean:
	$(Q)rm -rf $(BUILD)
