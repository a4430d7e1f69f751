# model/aux.mk -- build and run the auxiliary unit's model tests and accuracy benchmark
# (docs/numerics-aux.md). Not yet included by the top-level Makefile; from the repository
# root, either
#     make -f model/aux.mk aux-test aux-bench
# or add `include model/aux.mk` to the Makefile (it reuses CC, B and WARN when defined).
#
#   aux-test        build/aux/test_aux (cmocka, < 1 s) and run it
#   aux-test-asan   the same built with ASan + UBSan
#   aux-bench       build/aux/aux_accuracy and run it: CSVs to build/bench/, summary to
#                   stdout (under 15 s on one core); AUX_BENCH_ARGS=--g-full adds the sweep
#                   of the GELU ROM over every a in [0, 8) (about a minute more)
#
# The same as plain commands:
#   gcc -std=c11 -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes -Werror -O2 -g \
#       -Imodel -Itests -o build/aux/test_aux tests/test_aux.c \
#       model/tf_aux.c model/tf_aux_host.c model/tf_model.c -lcmocka -lm
#   gcc -std=c11 -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes -Werror -O2 -g \
#       -Imodel -o build/aux/aux_accuracy bench/aux_accuracy.c \
#       model/tf_aux.c model/tf_aux_host.c model/tf_model.c -lm
#   build/aux/aux_accuracy --csv build/bench

B    ?= build
WARN ?= -std=c11 -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes -Werror
AUX_CFLAGS ?= -O2 -g
AUX_SAN  := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
AUX_DIR  := $(B)/aux
AUX_SRC  := model/tf_aux.c model/tf_aux_host.c model/tf_model.c
AUX_HDR  := model/tf_aux.h model/tf_model.h
AUX_BENCH_ARGS ?=

.PHONY: aux-test aux-test-asan aux-bench

$(AUX_DIR)/test_aux: tests/test_aux.c $(AUX_SRC) $(AUX_HDR)
	@mkdir -p $(@D)
	$(CC) $(WARN) $(AUX_CFLAGS) -Imodel -Itests -o $@ tests/test_aux.c $(AUX_SRC) -lcmocka -lm

$(AUX_DIR)/test_aux_asan: tests/test_aux.c $(AUX_SRC) $(AUX_HDR)
	@mkdir -p $(@D)
	$(CC) $(WARN) $(AUX_SAN) -Imodel -Itests -o $@ tests/test_aux.c $(AUX_SRC) -lcmocka -lm

$(AUX_DIR)/aux_accuracy: bench/aux_accuracy.c $(AUX_SRC) $(AUX_HDR)
	@mkdir -p $(@D)
	$(CC) $(WARN) $(AUX_CFLAGS) -Imodel -o $@ bench/aux_accuracy.c $(AUX_SRC) -lm

aux-test: $(AUX_DIR)/test_aux
	$(AUX_DIR)/test_aux

aux-test-asan: $(AUX_DIR)/test_aux_asan
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 $(AUX_DIR)/test_aux_asan

aux-bench: $(AUX_DIR)/aux_accuracy
	@mkdir -p $(B)/bench
	$(AUX_DIR)/aux_accuracy --csv $(B)/bench $(AUX_BENCH_ARGS)
