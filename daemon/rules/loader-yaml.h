/* SPDX-License-Identifier: MIT */
/*
 * The YAML layer of the rule loader: libyaml's event stream turned into a
 * small tree per document, with every limit of ruleset.h enforced while the
 * events arrive (depth, node count, scalar length, alias expansion), and
 * each node's position.  loader-srcmap.c maps the bytes of a scalar back to
 * the file so conditions and outputs carry exact positions.
 */
#ifndef SAKER_LOADER_YAML_H
#define SAKER_LOADER_YAML_H

#include <stdbool.h>
#include <stddef.h>

#include "common/macro.h"
#include "rules/srctext.h"

typedef enum LNodeType {
	LN_SCALAR,
	LN_SEQ,
	LN_MAP,
} LNodeType;

typedef struct LNode LNode;
struct LNode {
	LNodeType type;
	bool null;	    /* a plain "", "~" or "null": YAML's null */
	bool plain;	    /* plain (unquoted, not block) scalar */
	unsigned char style; /* yaml_scalar_style_t of a scalar */
	unsigned char height; /* 1 for a scalar, 1 + tallest child otherwise */
	unsigned line, col; /* 1-based start */
	size_t src_start;   /* byte offsets of the start and end marks in the buffer */
	size_t src_end;
	int parent_indent;  /* 0-based column of the enclosing block collection, -1 if none */
	char *str;	    /* LN_SCALAR: NUL-terminated (may contain NULs from escapes) */
	size_t len;
	LNode **kids; /* LN_SEQ: items; LN_MAP: key, value, key, value, ... */
	size_t nkids;
};

LNode *lnode_free(LNode *n);
DEFINE_TRIVIAL_CLEANUP_FUNC(LNode *, lnode_free);

/* A failure with its place in the buffer: line/col 1-based, 0 when unknown. */
typedef struct LoaderError {
	unsigned line, col;
	char msg[512];
} LoaderError;

typedef struct YamlReader YamlReader;

/* buf must outlive the reader. */
int yaml_reader_new(const char *buf, size_t len, YamlReader **ret);
YamlReader *yaml_reader_free(YamlReader *r);
DEFINE_TRIVIAL_CLEANUP_FUNC(YamlReader *, yaml_reader_free);

/*
 * Read the next document.  Returns 1 and its root in *ret_root (NULL for an
 * empty document), 0 at the end of the stream, -EINVAL on malformed YAML or
 * an exceeded limit (described in *err; the stream cannot be read further),
 * -ENOMEM.
 */
int yaml_reader_next(YamlReader *r, LNode **ret_root, LoaderError *err);

/*
 * Build the SrcText of a scalar: its decoded text, every byte anchored at the
 * file position it came from (re-scanning the source: folding, indentation,
 * quotes and escapes).  With trim, leading and trailing white space is left
 * out.  When the mapping cannot be established exactly, the whole text is
 * anchored at the scalar's start.  pos carries the file name.
 */
int lnode_srctext(const LNode *n, const char *buf, size_t len, const SrcPos *pos, bool trim,
		  SrcText *ret);

/*
 * Per-byte positions of a scalar's decoded text: fills ret_lines/ret_cols
 * (n->len entries each).  Returns 0, or -EBADMSG when the re-scan does not
 * reproduce libyaml's text.  Exposed for the tests.
 */
int lnode_positions(const LNode *n, const char *buf, size_t len, unsigned *ret_lines,
		    unsigned *ret_cols);

#endif /* SAKER_LOADER_YAML_H */
