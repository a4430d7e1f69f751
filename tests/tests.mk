# tests/tests.mk -- the cmocka unit tests; included by the top-level Makefile.
#
#   make unit-tests        build build/tests/test_* (CFLAGS) and run them against build/tforge
#   make unit-tests-asan   build build/tests-asan/test_* and build/tests-asan/tforge with
#                          ASan + UBSan (own objects, nothing shared with the normal build)
#                          and run them; the binary-level tests run the sanitizer tforge
#   make update-golden     rewrite tests/golden/<design>/ from tests/golden/*.ini
#
# One test binary per stage: test_cfg (parse/validate, CLI, output directory),
# test_plan, test_emit (golden text, emitter), test_model (golden and cycle model),
# test_attn (the attention unit's golden model), test_aux (the auxiliary unit's golden and
# cycle model, its RTL command check), test_mem (the memory system's golden model: the
# controller's command check, a command's effect on memory and the store, traffic),
# test_layer (the layers' golden model), test_image (the weight image), test_accel (the
# accelerator over memory against the golden layers).
# They run from the repository root: they read tests/golden/ and templates/, and
# scratch directories go to build/tests-scratch/. The binary-level tests run
# $TFORGE_BIN (default build/tforge).

UT_NAMES := test_cfg test_plan test_emit test_model test_attn test_aux test_mem test_layer test_image test_accel
UT_DIR   := $(B)/tests
UT_ADIR  := $(B)/tests-asan
UT_INC   := -Igen -Imodel -Itests
UT_LIBS  := -linih -ljansson -lcmocka -lm
UT_HDRS  := $(GEN_HDR) model/tf_model.h model/tf_attn.h model/tf_aux.h model/tf_mem.h model/tf_layer.h model/tf_image.h model/tf_accel.h tests/tutil.h
UT_SRC   := $(GEN_SRC) $(MODEL_SRC) tests/tutil.c
UT_SAN   := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

UT_BINS  := $(addprefix $(UT_DIR)/,$(UT_NAMES))
UT_OBJS  := $(patsubst %.c,$(UT_DIR)/obj/%.o,$(UT_SRC))
UT_ABINS := $(addprefix $(UT_ADIR)/,$(UT_NAMES))
UT_AOBJS := $(patsubst %.c,$(UT_ADIR)/obj/%.o,$(UT_SRC)) $(UT_ADIR)/obj/templates.o
UT_ATF   := $(UT_ADIR)/tforge

.PHONY: unit-tests unit-tests-asan update-golden
# The objects are intermediate files of pattern rules: keep them between runs.
.SECONDARY: $(UT_OBJS) $(UT_AOBJS)

# ---- normal build: CFLAGS, links the shared $(B)/templates.o ------------------
$(UT_DIR)/obj/%.o: %.c $(UT_HDRS)
	@mkdir -p $(@D)
	$(CC) $(WARN) $(CFLAGS) $(UT_INC) -c -o $@ $<

$(UT_DIR)/test_%: tests/test_%.c $(UT_OBJS) $(B)/templates.o $(UT_HDRS)
	$(CC) $(WARN) $(CFLAGS) $(UT_INC) -o $@ $< $(UT_OBJS) $(B)/templates.o $(UT_LIBS)

# ---- sanitizer build: every object its own, templates.c recompiled ------------
$(UT_ADIR)/obj/%.o: %.c $(UT_HDRS)
	@mkdir -p $(@D)
	$(CC) $(WARN) $(UT_SAN) $(UT_INC) -c -o $@ $<

$(UT_ADIR)/obj/templates.o: $(B)/templates.c $(GEN_HDR)
	@mkdir -p $(@D)
	$(CC) $(WARN) -Wno-overlength-strings $(UT_SAN) -Igen -Imodel -c -o $@ $<

$(UT_ADIR)/test_%: tests/test_%.c $(UT_AOBJS) $(UT_HDRS)
	$(CC) $(WARN) $(UT_SAN) $(UT_INC) -o $@ $< $(UT_AOBJS) $(UT_LIBS)

$(UT_ATF): gen/main.c $(UT_AOBJS) $(GEN_HDR)
	$(CC) $(WARN) $(UT_SAN) -Igen -Imodel -o $@ gen/main.c \
	    $(filter $(UT_ADIR)/obj/gen/%,$(UT_AOBJS)) $(patsubst %.c,$(UT_ADIR)/obj/%.o,$(GEN_MODEL) $(GEN_HOST)) \
	    $(UT_ADIR)/obj/templates.o -linih -ljansson -lm

# Probe whether LeakSanitizer can run here: it stops the world with ptrace,
# which some containers and debuggers forbid ("LeakSanitizer has encountered a
# fatal error"). It can in this project's environment; where it cannot, the
# ASan run falls back to detect_leaks=0 and says so instead of failing every test.
$(UT_ADIR)/lsan-probe: | $(UT_ADIR)/obj
	@printf '#include <stdlib.h>\nint main(void) { free(malloc(8)); return 0; }\n' > $@.c
	@$(CC) -fsanitize=address -o $@ $@.c

$(UT_ADIR)/obj:
	@mkdir -p $@

# Run every binary (all of them, even after a failure), keep cmocka's output,
# fail at the end if any failed. $(1) = binaries, $(2) = environment.
define ut_run
	@failed=""; \
	for t in $(1); do \
	  echo "=== $$t"; \
	  env $(2) $$t || failed="$$failed $$(basename $$t)"; \
	done; \
	if [ -n "$$failed" ]; then echo "unit tests FAILED:$$failed"; exit 1; fi; \
	echo "unit tests: all $(words $(1)) binaries passed"
endef

unit-tests: $(UT_BINS) $(TFORGE)
	$(call ut_run,$(UT_BINS),TFORGE_BIN=$(TFORGE))

unit-tests-asan: $(UT_ABINS) $(UT_ATF) $(UT_ADIR)/lsan-probe
	@if ASAN_OPTIONS=detect_leaks=1 $(UT_ADIR)/lsan-probe >/dev/null 2>&1; then \
	  echo "leak detection: on (detect_leaks=1)"; echo 1 > $(UT_ADIR)/leaks; \
	else \
	  echo "leak detection: LeakSanitizer cannot run here; falling back to detect_leaks=0"; \
	  echo 0 > $(UT_ADIR)/leaks; \
	fi
	$(call ut_run,$(UT_ABINS),TFORGE_BIN=$(UT_ATF) \
	  ASAN_OPTIONS=detect_leaks=$$(cat $(UT_ADIR)/leaks):abort_on_error=0:strict_string_checks=1 \
	  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1)

# The golden files are whatever the library writes for tests/golden/*.ini; the
# emitter test rewrites them when UPDATE_GOLDEN=1 (and then still compares the
# tforge binary's output with them).
update-golden: $(UT_DIR)/test_emit $(TFORGE)
	UPDATE_GOLDEN=1 TFORGE_BIN=$(TFORGE) $(UT_DIR)/test_emit
