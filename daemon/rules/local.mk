libsaker_a_SOURCES += \
	daemon/rules/diag.c daemon/rules/diag.h \
	daemon/rules/srctext.c daemon/rules/srctext.h
# Rule files: YAML loader and the loaded ruleset.
libsaker_a_SOURCES += \
	daemon/rules/ruleset.c daemon/rules/ruleset.h \
	daemon/rules/loader.c daemon/rules/loader-internal.h \
	daemon/rules/loader-item.c daemon/rules/loader-item.h \
	daemon/rules/loader-exceptions.c \
	daemon/rules/loader-yaml.c daemon/rules/loader-yaml.h \
	daemon/rules/loader-srcmap.c
# Rule fields: the field table and its extractors, one file per field class.
libsaker_a_SOURCES += \
	daemon/rules/field.c daemon/rules/field.h \
	daemon/rules/field-ext.h daemon/rules/field-impl.h \
	daemon/rules/field-arg.c \
	daemon/rules/field-evt.c \
	daemon/rules/field-proc.c \
	daemon/rules/field-fd.c \
	daemon/rules/field-container.c
# Conditions: lexer, parser, compiler, evaluator, event-type index, outputs, engine.
libsaker_a_SOURCES += \
	daemon/rules/arena.c daemon/rules/arena.h \
	daemon/rules/lexer.c daemon/rules/lexer.h \
	daemon/rules/parser.c daemon/rules/parser.h \
	daemon/rules/literal.c daemon/rules/literal.h \
	daemon/rules/strset.c daemon/rules/strset.h \
	daemon/rules/match.c daemon/rules/match.h \
	daemon/rules/expr.h daemon/rules/expr-internal.h daemon/rules/compile-internal.h \
	daemon/rules/compile.c daemon/rules/compile-check.c \
	daemon/rules/eval.c daemon/rules/evttype.c \
	daemon/rules/format.c daemon/rules/format.h \
	daemon/rules/engine.c daemon/rules/engine.h
