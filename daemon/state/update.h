/* SPDX-License-Identifier: MIT */
/*
 * The state updater: applies decoded events to the State the way Falco's
 * parser does, in two steps around rule evaluation.  state_update() runs
 * before the rules (new process image after exec, new child after clone,
 * the fd an open/socket/accept created) and says which thread and fd the
 * event concerns; state_update_post() runs after them and applies what must
 * stay visible to the rules until then (close, exit).
 */
#ifndef SAKER_UPDATE_H
#define SAKER_UPDATE_H

#include <stddef.h>
#include <stdint.h>

#include "event/decode.h"
#include "rules/field.h"
#include "state/state.h"

/* How far apart a parent's and a child's clone records may be (ns). */
#define STATE_CLONE_WINDOW_NS 1000000000ull

/*
 * Apply e to s and set ctx->state, ctx->evt, ctx->proc (the event's thread,
 * created when missing; NULL for meta records and exits of unknown threads)
 * and ctx->fd (the fd the event concerns: the new one for calls that create
 * fds, the fd argument otherwise; NULL when unknown).  Returns 0, or -ENOMEM
 * (the state may then miss this event; nothing is left half-built).
 */
int state_update(State *s, const SkEvent *e, EvalCtx *ctx);
/* The second half, after the rules saw e: closes fds, marks exits. */
void state_update_post(State *s, const SkEvent *e, EvalCtx *ctx);

/*
 * Set in bits (SAKER_EVT_BITMAP_WORDS words) the event types the updater
 * needs to keep the tables right whatever the rules select: process life
 * (fork, exec, exit), every call that creates, duplicates or closes an fd,
 * and every event carrying credentials, namespaces or cgroups.
 */
void state_event_bitmap(uint64_t *bits);

/*
 * Lexically join base and path (when path is relative) and normalise "."
 * "..", and repeated slashes, never above "/"; no trailing slash but for
 * "/" itself.  base may be NULL (then a relative path stays relative).
 * Writes at most size bytes with the NUL; returns the length, or -E2BIG
 * when the result did not fit (it is then truncated).
 */
int state_path_join(const char *base, const char *path, char *out, size_t size);

#endif /* SAKER_UPDATE_H */
