/* SPDX-License-Identifier: MIT */
/*
 * sakerd's local control socket (docs/control.md): an AF_UNIX SOCK_SEQPACKET
 * socket carrying one JSON object per message, root only.  The server fits
 * into the daemon's single-threaded event loop through one pollable fd and
 * never blocks; the client side serves `saker stats` and `saker capture`.
 */
#ifndef SAKER_CONTROL_H
#define SAKER_CONTROL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "common/macro.h"

struct fjson_object;

#define CONTROL_DEFAULT_SOCKET "/run/saker/sakerd.sock"
/* Largest request a client may send (bytes of JSON, one message). */
#define CONTROL_MAX_MESSAGE (64u << 10)
/* Largest reply the server sends (a stats reply with many rules). */
#define CONTROL_MAX_REPLY (1u << 20)
/* Connections served at once; more are answered with an error and closed. */
#define CONTROL_MAX_CLIENTS 16
/* A connection without a pending request is dropped after this long. */
#define CONTROL_IDLE_TIMEOUT_MS 60000u
/* Nesting depth of a request's JSON. */
#define CONTROL_MAX_DEPTH 16
/* Length of the "cmd" string. */
#define CONTROL_MAX_CMD 64

/*
 * Values of the "code" member the server puts into the error replies it
 * sends by itself (the handler never sees these requests).
 */
#define CONTROL_CODE_ACCESS "access-denied"	  /* peer is neither root nor the daemon's uid */
#define CONTROL_CODE_CLIENTS "too-many-clients" /* CONTROL_MAX_CLIENTS reached */
#define CONTROL_CODE_TOO_LARGE "too-large"	  /* request longer than CONTROL_MAX_MESSAGE */
#define CONTROL_CODE_BAD_REQUEST "bad-request"  /* not JSON, not an object, no "cmd"... */

/* ---- server (sakerd) ---- */

typedef struct ControlServer ControlServer;
typedef struct ControlConn ControlConn;

/*
 * Called for each request.  req is the parsed object (borrowed for the call);
 * fd is a passed descriptor now owned by the handler, or -1.  The handler
 * replies now or later with control_reply(); it keeps the conn with
 * control_conn_ref() to reply later.  A connection is "idle" (subject to the
 * idle timeout) while the server holds the only reference to it.
 */
typedef void (*control_request_fn)(ControlConn *conn, const char *cmd, struct fjson_object *req,
				   int fd, void *userdata);
/*
 * Called once when a connection goes away (the client closed it, it was
 * dropped, or the server is freed).  The conn stays valid while referenced,
 * but is no longer alive.
 */
typedef void (*control_close_fn)(ControlConn *conn, void *userdata);

/*
 * Create the parent directory (0755) if missing, replace a stale socket file
 * (nobody answers on it), bind (mode 0600) and listen.  Returns -EADDRINUSE
 * when a live server answers on path, -EEXIST when path is not a socket.
 */
int control_server_new(const char *path, control_request_fn on_request, control_close_fn on_close,
		       void *userdata, ControlServer **ret);
/* Close every connection (calling on_close), unlink the socket if it is still ours. */
ControlServer *control_server_free(ControlServer *s);
DEFINE_TRIVIAL_CLEANUP_FUNC(ControlServer *, control_server_free);
/* One fd for the event loop: poll for POLLIN, then call control_server_dispatch(). */
int control_server_fd(const ControlServer *s);
/*
 * Accept, read and answer what is ready, without blocking; handles a bounded
 * number of events per call (the fd stays readable when more are pending).
 * Returns the number of events handled, or negative errno on a fatal error.
 */
int control_server_dispatch(ControlServer *s);
/* Connections currently served. */
unsigned control_server_connections(const ControlServer *s);
/* Change the idle timeout (default CONTROL_IDLE_TIMEOUT_MS, 0: never; tests use shorter ones). */
void control_server_set_idle_timeout(ControlServer *s, unsigned timeout_ms);

/*
 * Send one reply message (json, len bytes, at most CONTROL_MAX_REPLY).
 * Never blocks: -EPIPE when the connection is gone, -ENOBUFS when the client
 * does not read its replies (the connection is then dropped), -EMSGSIZE when
 * too long.
 */
int control_reply(ControlConn *conn, const char *json, size_t len);
/* Serialize o (not consumed) and send it. */
int control_reply_object(ControlConn *conn, struct fjson_object *o);
/* {"status":"error","error":MESSAGE} plus "code":code when code is not NULL. */
int control_reply_error(ControlConn *conn, const char *code, const char *fmt, ...) _printf_(3, 4);

ControlConn *control_conn_ref(ControlConn *c);
ControlConn *control_conn_unref(ControlConn *c);
DEFINE_TRIVIAL_CLEANUP_FUNC(ControlConn *, control_conn_unref);
bool control_conn_alive(const ControlConn *c);
/* The peer's pid and uid (from SO_PEERCRED, taken when it connected). */
int control_conn_peer(const ControlConn *c, int *ret_pid, unsigned *ret_uid);

/* ---- client (saker) ---- */

typedef struct ControlClient ControlClient;

/*
 * Connect to the server at path.  -ENOENT or -ECONNREFUSED when no daemon
 * runs, -EACCES when not allowed to, -EAGAIN when its backlog stays full
 * for timeout_ms (0: wait forever).
 */
int control_client_connect(const char *path, unsigned timeout_ms, ControlClient **ret);
ControlClient *control_client_close(ControlClient *c);
DEFINE_TRIVIAL_CLEANUP_FUNC(ControlClient *, control_client_close);
/* Send one message (at most CONTROL_MAX_MESSAGE bytes) with pass_fd attached when >= 0. */
int control_client_send(ControlClient *c, const char *json, size_t len, int pass_fd,
			unsigned timeout_ms);
/*
 * Receive one message into *ret_msg (malloc'd, NUL-terminated).
 * -ETIMEDOUT after timeout_ms (0: forever), -EINTR when a signal interrupted
 * the wait, -ECONNRESET when the server closed the connection, -EMSGSIZE when
 * longer than CONTROL_MAX_REPLY.
 */
int control_client_recv(ControlClient *c, unsigned timeout_ms, char **ret_msg, size_t *ret_len);
int control_client_fd(const ControlClient *c);

/*
 * Send one request (with pass_fd >= 0 attached), then read replies:
 * on_progress (may be NULL) gets each "progress" reply; the final reply is
 * returned malloc'd in *ret_reply whatever its status.  timeout_ms bounds
 * the wait for each message (0: forever).  -ENOENT/-ECONNREFUSED when no
 * daemon runs, -EACCES when not allowed, -EUSERS when the server has too many
 * clients, -EBADMSG for a reply that is not a JSON object with a "status".
 */
int control_call(const char *path, const char *request_json, int pass_fd, unsigned timeout_ms,
		 void (*on_progress)(const char *json, void *userdata), void *userdata,
		 char **ret_reply);

/* ---- messages (both sides) ---- */

typedef enum ControlStatus {
	CONTROL_STATUS_OK,
	CONTROL_STATUS_ERROR,
	CONTROL_STATUS_PROGRESS,
} ControlStatus;

/*
 * Parse one message: a single JSON object (nesting at most
 * CONTROL_MAX_DEPTH, no NUL byte, nothing after it but white space).
 * Returns -EBADMSG otherwise.
 */
int control_parse(const char *msg, size_t len, struct fjson_object **ret);
/* The reply's "status"; -EBADMSG when missing or unknown. */
int control_reply_status(struct fjson_object *reply, ControlStatus *ret);
/*
 * The refusals that end a connection before any request is served:
 * -EACCES for CONTROL_CODE_ACCESS, -EUSERS for CONTROL_CODE_CLIENTS, else 0.
 */
int control_reply_refusal(struct fjson_object *reply);
/* Fill a socket address for path; -ENAMETOOLONG when it does not fit. */
int control_sockaddr(const char *path, struct sockaddr_un *ret, socklen_t *ret_len);

#endif /* SAKER_CONTROL_H */
