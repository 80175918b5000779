/* SPDX-License-Identifier: MIT */
/*
 * String matchers behind the glob, iglob, icontains and pmatch operators.
 * They work on (pointer, length) pairs, never allocate and do not depend
 * on the process locale, so evaluation stays cheap and deterministic.
 */
#ifndef SAKER_MATCH_H
#define SAKER_MATCH_H

#include <stdbool.h>
#include <stddef.h>

#include "common/macro.h"

/*
 * Shell pattern match with fnmatch(3) semantics and no flags, as Falco's
 * glob: '*' and '?' also match '/' and leading dots; [...] bracket
 * expressions with '!' or '^' negation, ranges and [:class:] names; '\'
 * escapes the next character.  casefold compares ASCII letters without
 * case (iglob, FNM_CASEFOLD).
 */
bool glob_match(const char *pat, size_t plen, const char *s, size_t slen, bool casefold);

/*
 * Whether needle occurs in s ignoring ASCII case; lower_needle must already
 * be lower-case.  An empty needle always occurs.
 */
bool icase_contains(const char *s, size_t slen, const char *lower_needle, size_t nlen);

/*
 * Limits on regex operands: compiled POSIX expressions grow with nested
 * repetitions ("(a+)+", "a{1000}{1000}"), so a hostile rule could make
 * regcomp() take gigabytes.  REGEX_MAX_NODES bounds the estimated size,
 * REGEX_MAX_REPEAT a {n,m} count (RE2, which Falco uses, stops at 1000).
 */
#define REGEX_MAX_NODES 50000
#define REGEX_MAX_REPEAT 1000
#define REGEX_MAX_GROUPS 100

/*
 * Check a regex operand before compiling it: 0, or -EINVAL with a reason
 * for the user in *ret_reason (too complex, too deeply nested, or a
 * backreference, which Falco's RE2 does not support and which makes
 * matching exponential).  Syntax errors are left to regcomp().
 */
int regex_check(const char *pat, size_t n, const char **ret_reason);

/* Most path components a pmatch search path may have. */
#define PATH_TRIE_MAX_DEPTH 256

/*
 * The set of search paths of a "pmatch" operator.  A value matches when
 * one of the search paths is a prefix of it on path component boundaries:
 * /etc matches /etc and /etc/passwd, not /etcd.  Empty components are
 * ignored ("//etc/" is "/etc"); a component containing * ? or [ is a glob
 * for that one component.  The search path "/" matches every value.
 */
typedef struct PathTrie PathTrie;

PathTrie *path_trie_new(void);
PathTrie *path_trie_free(PathTrie *t);
DEFINE_TRIVIAL_CLEANUP_FUNC(PathTrie *, path_trie_free);
/* 0, -ENOMEM, or -E2BIG when the path has more than PATH_TRIE_MAX_DEPTH components. */
int path_trie_add(PathTrie *t, const char *path, size_t n);
bool path_trie_match(const PathTrie *t, const char *path, size_t n);

#endif /* SAKER_MATCH_H */
