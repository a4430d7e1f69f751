# tforge -- top-level Makefile. Targets are the user interface:
#   make run     build, generate, lint, co-simulate, synthesize the default config, print a summary
#   make test    the whole suite (unit tests, sanitizers, lint + co-simulation matrix, Icarus)
#   make lint | synth | cosim | icarus | bench | clean   (CONFIG=path to pick a config)
SHELL   := /bin/bash
CC      ?= cc
CFLAGS  ?= -O2 -g
WARN    := -std=c11 -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes -Werror
CONFIG  ?= configs/default.ini
B       := build
TFORGE  := $(B)/tforge

GEN_SRC   := gen/main.c gen/util.c gen/cfg.c gen/plan.c gen/emit.c gen/emit_rtl.c gen/emit_aux.c gen/outdir.c
TEMPLATES := $(wildcard templates/*.v) $(wildcard templates/engine/*.vt)
MODEL_SRC := model/tf_model.c

.PHONY: all deps tforge run test lint synth cosim icarus bench clean update-golden
all: tforge
tforge: $(TFORGE)

deps:
	@bash scripts/install-deps.sh

$(B)/embed: gen/embed.c
	@mkdir -p $(B)
	$(CC) $(WARN) -O2 -o $@ $<

$(B)/templates.c: $(B)/embed $(TEMPLATES)
	$(B)/embed $@ $(foreach t,$(TEMPLATES),$(patsubst templates/%,%,$(t))=$(t))

# The embedded templates are long string literals; C11 only promises 4095 chars.
$(B)/templates.o: $(B)/templates.c gen/tforge.h
	$(CC) $(WARN) -Wno-overlength-strings $(CFLAGS) -Igen -c -o $@ $<

$(TFORGE): $(GEN_SRC) gen/tforge.h $(B)/templates.o
	$(CC) $(WARN) $(CFLAGS) -Igen -o $@ $(GEN_SRC) $(B)/templates.o -linih

clean:
	rm -rf $(B) rtl_out
