// SPDX-License-Identifier: MIT
/*
 * imsaker, the rsyslog input module for sakerd's alerts.  Each input()
 * listens on a root-only unix datagram socket where sakerd's rsyslog output
 * sends one JSON alert per datagram; every alert becomes a syslog message
 * (tag "sakerd:", severity from the rule priority, the alert's sentence as
 * MSG) that carries the whole alert under $!saker for templates and
 * forwarding.  rsyslog has no stable plugin ABI, so the module is built for
 * one rsyslog version and refuses to load into another.  The rsyslog
 * module-template entry points stay thin; the work is in plain functions.
 */
#ifdef IMSAKER_RSYSLOG_CONFIGURED
#include "config.h" /* rsyslog's own, from its configure (build.sh --configure) */
#else
#include "rsyslog-config.h"
#endif
#include "rsyslog.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <json.h>

#include "dirty.h"
#include "errmsg.h"
#include "glbl.h"
#include "module-template.h"
#include "msg.h"
#include "prop.h"
#include "ratelimit.h"
#include "rsconf.h"
#include "ruleset.h"
#include "statsobj.h"
#include "unicode-helper.h"

#include "alert-parse.h"

#ifndef IMSAKER_RSYSLOG_VERSION
#error "IMSAKER_RSYSLOG_VERSION (the rsyslog version built for) must be defined: use build.sh"
#endif

MODULE_TYPE_INPUT
MODULE_TYPE_NOKEEP
MODULE_CNFNAME("imsaker")

DEF_IMOD_STATIC_DATA
DEFobjCurrIf(glbl)
DEFobjCurrIf(prop)
DEFobjCurrIf(ruleset)
DEFobjCurrIf(statsobj)

#define IMSAKER_DEFAULT_SOCKET "/run/saker/rsyslog.sock"
#define IMSAKER_DEFAULT_FACILITY 10 /* authpriv: alerts are security information */
#define IMSAKER_TAG "sakerd:"
#define IMSAKER_SOCKET_MODE 0600 /* only root may send alerts */
#define IMSAKER_DIR_MODE 0755
/* Inputs (sockets) in one rsyslogd: they share one poll() set. */
#define IMSAKER_MAX_INPUTS 64
/* Datagrams read from one socket before the others get their turn. */
#define IMSAKER_READ_BURST 256
/* Messages handed to the rsyslog queue at once (one multi-submit batch). */
#define IMSAKER_BATCH_MAX 128
/*
 * Receive buffer asked for each socket.  Linux queues at most
 * net.unix.max_dgram_qlen datagrams on a unix datagram socket whatever this
 * says (sakerd's sink then waits briefly, then its own queue holds them);
 * other kernels size the queue by it.
 */
#define IMSAKER_RCVBUF (8 * 1024 * 1024)
/* ratelimit.burst when only ratelimit.interval is set (interval 0: no limit). */
#define IMSAKER_RATELIMIT_BURST_DEFAULT 10000
/* The run loop looks at rsyslog's termination flag at least this often. */
#define IMSAKER_POLL_MS 1000
/*
 * The running rsyslogd's version is read from its own binary, where its
 * start message ("[origin software="rsyslogd" swVersion="8.2302.0" ...")
 * is compiled in.  Binaries above the size limit are not searched.
 */
#define RSYSLOGD_VERSION_MARK "swVersion=\""
#define RSYSLOGD_EXE_MAX (256 * 1024 * 1024)
#define RSYSLOG_VERSION_MAX 64
/* Bytes of a unix socket path, its NUL included. */
#define SUN_PATH_SIZE sizeof(((struct sockaddr_un *)0)->sun_path)

/* Read back by build.sh --check: the rsyslog version this file was built for. */
__attribute__((used)) static const char imsaker_built_for[] =
	"imsaker-built-for-rsyslog=" IMSAKER_RSYSLOG_VERSION;

typedef struct instanceConf_s instanceConf_t;
struct instanceConf_s {
	/* from input(...) */
	char *socket;
	char *ruleset_name;
	int facility; /* 0..23 */
	unsigned ratelimit_interval;
	unsigned ratelimit_burst;

	/* from activation to shutdown */
	ruleset_t *ruleset; /* NULL: the default ruleset */
	int fd;		    /* -1: not listening */
	dev_t dev;	    /* of the socket file this input made: only that one is removed */
	ino_t ino;
	ratelimit_t *ratelimiter;
	multi_submit_t batch;
	smsg_t *batch_msgs[IMSAKER_BATCH_MAX];
	statsobj_t *stats;
	STATSCOUNTER_DEF(ctr_submitted, mut_submitted)
	STATSCOUNTER_DEF(ctr_malformed, mut_malformed)
	STATSCOUNTER_DEF(ctr_discarded, mut_discarded)

	instanceConf_t *next;
};

struct modConfData_s {
	rsconf_t *pConf;
	instanceConf_t *root;
	instanceConf_t *tail;
	unsigned ninputs;
};

static modConfData_t *loadModConf;
static modConfData_t *runModConf;
static prop_t *pInputName;
static ImsakerEscape escape_opts = { .control = true, .tab = false, .prefix = '#' };

static struct cnfparamdescr inppdescr[] = {
	{ "socket", eCmdHdlrString, 0 },
	{ "ruleset", eCmdHdlrString, 0 },
	{ "facility", eCmdHdlrString, 0 },
	{ "ratelimit.interval", eCmdHdlrNonNegInt, 0 },
	{ "ratelimit.burst", eCmdHdlrNonNegInt, 0 },
};
static struct cnfparamblk inppblk = { CNFPARAMBLK_VERSION,
				      sizeof(inppdescr) / sizeof(struct cnfparamdescr), inppdescr };

/* ---- the rsyslog version ------------------------------------------------- */

/*
 * The version of the rsyslogd this module is loaded into, from its binary:
 * 0, -ENOENT when the mark is not there, or another negative errno.
 */
static int running_rsyslog_version(char *ret, size_t size)
{
	static const char mark[] = RSYSLOGD_VERSION_MARK;
	const char *p, *end, *q;
	struct stat st;
	void *map;
	size_t n;
	int fd, r = -ENOENT;

	fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0 || st.st_size <= 0 || st.st_size > RSYSLOGD_EXE_MAX) {
		close(fd);
		return -EFBIG;
	}
	map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (map == MAP_FAILED)
		return -errno;
	end = (const char *)map + st.st_size;
	p = memmem(map, (size_t)st.st_size, mark, sizeof(mark) - 1);
	if (p) {
		p += sizeof(mark) - 1;
		q = memchr(p, '"', (size_t)(end - p));
		n = q ? (size_t)(q - p) : 0;
		if (n > 0 && n < size && n < RSYSLOG_VERSION_MAX) {
			memcpy(ret, p, n);
			ret[n] = '\0';
			r = 0;
		}
	}
	munmap(map, (size_t)st.st_size);
	return r;
}

/* 0 when this rsyslogd is the version the module was built for (or cannot be told). */
static int check_rsyslog_version(void)
{
	char running[RSYSLOG_VERSION_MAX];
	int r;

	r = running_rsyslog_version(running, sizeof(running));
	if (r < 0) {
		LogMsg(0, NO_ERRCODE, LOG_WARNING,
		       "imsaker: cannot tell the version of this rsyslogd (%s); imsaker was built "
		       "for rsyslog %s and works only with that version",
		       strerror(-r), IMSAKER_RSYSLOG_VERSION);
		return 0;
	}
	if (strcmp(running, IMSAKER_RSYSLOG_VERSION) != 0) {
		LogError(0, RS_RET_LOAD_ERROR,
			 "imsaker was built for rsyslog %s, this is %s: rebuild it "
			 "(rsyslog-plugin/build.sh) against this version's source",
			 IMSAKER_RSYSLOG_VERSION, running);
		return -EPROTO;
	}
	return 0;
}

/* ---- configuration ------------------------------------------------------- */

static int input_new(modConfData_t *mc, instanceConf_t **ret)
{
	instanceConf_t *inst;

	if (mc->ninputs >= IMSAKER_MAX_INPUTS)
		return -E2BIG;
	inst = calloc(1, sizeof(*inst));
	if (!inst)
		return -ENOMEM;
	inst->facility = IMSAKER_DEFAULT_FACILITY;
	inst->ratelimit_burst = IMSAKER_RATELIMIT_BURST_DEFAULT;
	inst->fd = -1;
	inst->batch.maxElem = IMSAKER_BATCH_MAX;
	inst->batch.ppMsgs = inst->batch_msgs;
	*ret = inst;
	return 0;
}

static void input_free(instanceConf_t *inst)
{
	if (!inst)
		return;
	if (inst->ratelimiter)
		ratelimitDestruct(inst->ratelimiter);
	if (inst->stats)
		statsobj.Destruct(&inst->stats);
	free(inst->socket);
	free(inst->ruleset_name);
	free(inst);
}

/* Applies input(...)'s parameters; a sentence in err when one is wrong. */
static int input_set_params(instanceConf_t *inst, struct cnfparamvals *pvals, char *err,
			    size_t errlen)
{
	int i;

	for (i = 0; i < inppblk.nParams; i++) {
		const char *name = inppblk.descr[i].name;
		char *s;

		if (!pvals[i].bUsed)
			continue;
		if (strcmp(name, "socket") == 0 || strcmp(name, "ruleset") == 0 ||
		    strcmp(name, "facility") == 0) {
			s = es_str2cstr(pvals[i].val.d.estr, NULL);
			if (!s)
				return -ENOMEM;
			if (strcmp(name, "socket") == 0) {
				free(inst->socket);
				inst->socket = s;
			} else if (strcmp(name, "ruleset") == 0) {
				free(inst->ruleset_name);
				inst->ruleset_name = s;
			} else {
				inst->facility = imsaker_facility_from_name(s);
				if (inst->facility < 0)
					snprintf(err, errlen, "unknown facility '%s'", s);
				free(s);
				if (inst->facility < 0)
					return -EINVAL;
			}
		} else if (strcmp(name, "ratelimit.interval") == 0) {
			inst->ratelimit_interval = (unsigned)pvals[i].val.d.n;
		} else if (strcmp(name, "ratelimit.burst") == 0) {
			inst->ratelimit_burst = (unsigned)pvals[i].val.d.n;
		}
	}
	if (!inst->socket) {
		inst->socket = strdup(IMSAKER_DEFAULT_SOCKET);
		if (!inst->socket)
			return -ENOMEM;
	}
	if (inst->socket[0] != '/' || strlen(inst->socket) >= SUN_PATH_SIZE) {
		snprintf(err, errlen, "socket '%s' must be an absolute path shorter than %zu bytes",
			 inst->socket, SUN_PATH_SIZE);
		return -EINVAL;
	}
	return 0;
}

static void input_append(modConfData_t *mc, instanceConf_t *inst)
{
	if (mc->tail)
		mc->tail->next = inst;
	else
		mc->root = inst;
	mc->tail = inst;
	mc->ninputs++;
}

/* ---- sockets ------------------------------------------------------------- */

/* Makes dir 0755, whatever rsyslogd's umask; one that exists stays as it is. */
static int make_dir(const char *dir)
{
	if (mkdir(dir, IMSAKER_DIR_MODE) < 0)
		return errno == EEXIST ? 0 : -errno;
	return chmod(dir, IMSAKER_DIR_MODE) < 0 ? -errno : 0;
}

/* Creates the directories above path that are missing. */
static int make_parents(const char *path)
{
	char dir[SUN_PATH_SIZE];
	char *p;
	int r;

	if (strlen(path) >= sizeof(dir))
		return -ENAMETOOLONG;
	strcpy(dir, path);
	p = strrchr(dir, '/');
	if (!p || p == dir)
		return 0;
	*p = '\0';
	for (p = dir + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		r = make_dir(dir);
		if (r < 0)
			return r;
		*p = '/';
	}
	return make_dir(dir);
}

/*
 * Binds a unix datagram socket at inst->socket, mode 0600 from the start
 * (fchmod() before bind() gives the new file its mode on Linux).  A stale
 * socket file is replaced; any other kind of file is left alone.
 */
static int input_listen(instanceConf_t *inst, char *err, size_t errlen)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd, r, rcvbuf = IMSAKER_RCVBUF;
	struct stat st;

	r = make_parents(inst->socket);
	if (r < 0) {
		snprintf(err, errlen, "cannot create the directory of %s: %s", inst->socket,
			 strerror(-r));
		return r;
	}
	if (lstat(inst->socket, &st) == 0) {
		if (!S_ISSOCK(st.st_mode)) {
			snprintf(err, errlen, "%s exists and is not a socket", inst->socket);
			return -EEXIST;
		}
		if (unlink(inst->socket) < 0 && errno != ENOENT) {
			r = -errno;
			snprintf(err, errlen, "cannot remove the old socket %s: %s", inst->socket,
				 strerror(-r));
			return r;
		}
	}
	memcpy(sa.sun_path, inst->socket, strlen(inst->socket) + 1);

	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0) {
		r = -errno;
		snprintf(err, errlen, "cannot create a socket: %s", strerror(-r));
		return r;
	}
	if (fchmod(fd, IMSAKER_SOCKET_MODE) < 0 ||
	    bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    chmod(inst->socket, IMSAKER_SOCKET_MODE) < 0 || stat(inst->socket, &st) < 0) {
		r = -errno;
		snprintf(err, errlen, "cannot listen on %s: %s", inst->socket, strerror(-r));
		close(fd);
		return r;
	}
	/* Root may pass net.core.rmem_max (SO_RCVBUFFORCE). */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf)) < 0)
		(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	inst->fd = fd;
	inst->dev = st.st_dev;
	inst->ino = st.st_ino;
	return 0;
}

static void input_close(instanceConf_t *inst)
{
	struct stat st;

	if (inst->fd < 0)
		return;
	close(inst->fd);
	inst->fd = -1;
	/* Remove the file only while it is still ours (not a newer rsyslogd's). */
	if (lstat(inst->socket, &st) == 0 && st.st_dev == inst->dev && st.st_ino == inst->ino)
		(void)unlink(inst->socket);
}

static int input_setup_stats(instanceConf_t *inst)
{
	char name[SUN_PATH_SIZE + 16];

	snprintf(name, sizeof(name), "imsaker(%s)", inst->socket);
	if (statsobj.Construct(&inst->stats) != RS_RET_OK)
		return -ENOMEM;
	STATSCOUNTER_INIT(inst->ctr_submitted, inst->mut_submitted);
	STATSCOUNTER_INIT(inst->ctr_malformed, inst->mut_malformed);
	STATSCOUNTER_INIT(inst->ctr_discarded, inst->mut_discarded);
	if (statsobj.SetName(inst->stats, (uchar *)name) != RS_RET_OK ||
	    statsobj.SetOrigin(inst->stats, (uchar *)"imsaker") != RS_RET_OK ||
	    statsobj.AddCounter(inst->stats, UCHAR_CONSTANT("submitted"), ctrType_IntCtr,
				CTR_FLAG_RESETTABLE, &inst->ctr_submitted) != RS_RET_OK ||
	    statsobj.AddCounter(inst->stats, UCHAR_CONSTANT("malformed"), ctrType_IntCtr,
				CTR_FLAG_RESETTABLE, &inst->ctr_malformed) != RS_RET_OK ||
	    statsobj.AddCounter(inst->stats, UCHAR_CONSTANT("ratelimit.discarded"), ctrType_IntCtr,
				CTR_FLAG_RESETTABLE, &inst->ctr_discarded) != RS_RET_OK ||
	    statsobj.ConstructFinalize(inst->stats) != RS_RET_OK) {
		statsobj.Destruct(&inst->stats);
		return -ENOMEM;
	}
	return 0;
}

static int input_setup_ratelimit(instanceConf_t *inst)
{
	if (ratelimitNew(&inst->ratelimiter, "imsaker", inst->socket) != RS_RET_OK)
		return -ENOMEM;
	ratelimitSetLinuxLike(inst->ratelimiter, inst->ratelimit_interval, inst->ratelimit_burst);
	return 0;
}

/* ---- messages ------------------------------------------------------------ */

/* The alert's time in rsyslog's form, in local time as rsyslog writes its own. */
static void alert_syslog_time(const ImsakerAlert *a, struct syslogTime *st)
{
	time_t t = (time_t)a->time_sec;
	struct tm tm;
	long off;

	memset(st, 0, sizeof(*st));
	if (!localtime_r(&t, &tm))
		gmtime_r(&t, &tm);
	off = tm.tm_gmtoff;
	st->timeType = 2; /* RFC 3339, with fractional seconds */
	st->year = (short)(tm.tm_year + 1900);
	st->month = (intTiny)(tm.tm_mon + 1);
	st->day = (intTiny)tm.tm_mday;
	st->wday = (intTiny)tm.tm_wday;
	st->hour = (intTiny)tm.tm_hour;
	st->minute = (intTiny)tm.tm_min;
	st->second = (intTiny)tm.tm_sec;
	st->secfracPrecision = 6;
	st->secfrac = (int)(a->time_nsec / 1000);
	st->OffsetMode = off < 0 ? '-' : '+';
	if (off < 0)
		off = -off;
	st->OffsetHour = (intTiny)(off / 3600);
	st->OffsetMinute = (intTiny)((off % 3600) / 60);
}

/* Hands m to the queue through the input's rate limiter; counts what became of it. */
static void input_enqueue(instanceConf_t *inst, smsg_t *m)
{
	rsRetVal r;

	MsgSetInputName(m, pInputName);
	MsgSetRcvFrom(m, glbl.GetLocalHostNameProp());
	(void)MsgSetRcvFromIP(m, glbl.GetLocalHostIP());
	MsgSetTAG(m, UCHAR_CONSTANT(IMSAKER_TAG), sizeof(IMSAKER_TAG) - 1);
	/* A local socket: the reader may be slowed a little while the queue is nearly full. */
	MsgSetFlowControlType(m, eFLOWCTL_LIGHT_DELAY);
	if (inst->ruleset)
		MsgSetRuleset(m, inst->ruleset);

	r = ratelimitAddMsg(inst->ratelimiter, &inst->batch, m);
	/* (The counter macros are bare if statements: keep the braces.) */
	if (r == RS_RET_OK) {
		STATSCOUNTER_INC(inst->ctr_submitted, inst->mut_submitted);
	} else if (r == RS_RET_DISCARDMSG) {
		STATSCOUNTER_INC(inst->ctr_discarded, inst->mut_discarded);
	}
}

/* The MSG part: escaped as rsyslog escapes what it receives, cut at maxMessageSize. */
static void set_msg(smsg_t *m, const char *text, size_t len, char *scratch)
{
	int max = glbl.GetMaxLine(runConf);

	if (max > 0 && len > (size_t)max)
		len = (size_t)max;
	len = imsaker_escape(text, len, &escape_opts, scratch);
	if (max > 0 && len > (size_t)max)
		len = (size_t)max;
	MsgSetRawMsg(m, scratch, len);
	MsgSetMSGoffs(m, 0);
}

static void set_local_hostname(smsg_t *m)
{
	uchar *h = glbl.GetLocalHostName();

	if (!h)
		h = UCHAR_CONSTANT("localhost");
	MsgSetHOSTNAME(m, h, (int)ustrlen(h));
}

/* One alert: the message with the whole alert under $!saker. */
static int submit_alert(instanceConf_t *inst, ImsakerAlert *a, char *scratch)
{
	struct syslogTime st;
	smsg_t *m = NULL;
	rsRetVal r;

	if (a->has_time) {
		alert_syslog_time(a, &st);
		r = msgConstructWithTime(&m, &st, time(NULL));
	} else
		r = msgConstruct(&m);
	if (r != RS_RET_OK)
		return -ENOMEM;
	set_msg(m, a->output, a->output_len, scratch);
	if (a->hostname)
		MsgSetHOSTNAME(m, (const uchar *)a->hostname, (int)a->hostname_len);
	else
		set_local_hostname(m);
	msgSetPRI(m, (syslog_pri_t)((inst->facility << 3) | a->severity));
	/* msgAddJSON() owns the tree from here, whatever it returns. */
	(void)msgAddJSON(m, UCHAR_CONSTANT("!saker"), a->json, 0, 0);
	a->json = NULL;
	input_enqueue(inst, m);
	return 0;
}

/* Not an alert: passed on as it came (escaped), as a warning, and counted. */
static int submit_malformed(instanceConf_t *inst, const char *buf, size_t len, char *scratch)
{
	smsg_t *m = NULL;

	STATSCOUNTER_INC(inst->ctr_malformed, inst->mut_malformed);
	if (msgConstruct(&m) != RS_RET_OK)
		return -ENOMEM;
	set_msg(m, buf, len, scratch);
	set_local_hostname(m);
	msgSetPRI(m, (syslog_pri_t)((inst->facility << 3) | LOG_WARNING));
	input_enqueue(inst, m);
	return 0;
}

static void input_datagram(instanceConf_t *inst, const char *buf, size_t len, bool cut,
			   char *scratch)
{
	ImsakerAlert a;
	const char *reason;

	if (!cut && imsaker_alert_parse(buf, len, &a, &reason) == 0) {
		(void)submit_alert(inst, &a, scratch);
		imsaker_alert_done(&a);
		return;
	}
	(void)submit_malformed(inst, buf, len, scratch);
}

/* Reads what the socket has (up to a burst) and hands the batch to the queue. */
static void input_read(instanceConf_t *inst, char *buf, char *scratch)
{
	int i;

	for (i = 0; i < IMSAKER_READ_BURST; i++) {
		/* MSG_TRUNC: the datagram's real length, to tell a cut one. */
		ssize_t n = recv(inst->fd, buf, IMSAKER_DATAGRAM_MAX, MSG_DONTWAIT | MSG_TRUNC);
		bool cut;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN)
				LogError(errno, RS_RET_ERR, "imsaker: cannot read from %s",
					 inst->socket);
			break;
		}
		cut = (size_t)n > IMSAKER_DATAGRAM_MAX;
		if (cut)
			n = IMSAKER_DATAGRAM_MAX;
		buf[n] = '\0';
		input_datagram(inst, buf, (size_t)n, cut, scratch);
	}
	(void)multiSubmitFlush(&inst->batch);
}

static int run(modConfData_t *mc)
{
	struct pollfd pfd[IMSAKER_MAX_INPUTS];
	instanceConf_t *in[IMSAKER_MAX_INPUTS];
	char *buf, *scratch;
	instanceConf_t *inst;
	nfds_t n = 0, i;
	int k;

	for (inst = mc->root; inst && n < IMSAKER_MAX_INPUTS; inst = inst->next) {
		if (inst->fd < 0)
			continue;
		pfd[n] = (struct pollfd){ .fd = inst->fd, .events = POLLIN };
		in[n++] = inst;
	}
	if (n == 0)
		return 0;
	/* One datagram, NUL-terminated; its escaped form. */
	buf = malloc(IMSAKER_DATAGRAM_MAX + 1);
	scratch = malloc(IMSAKER_ESCAPED_SIZE(IMSAKER_DATAGRAM_MAX));
	if (!buf || !scratch) {
		free(buf);
		free(scratch);
		return -ENOMEM;
	}
	while (glbl.GetGlobalInputTermState() == 0) {
		/* rsyslog ends the wait with SIGTTIN at shutdown; the timeout is a safety net. */
		k = poll(pfd, n, IMSAKER_POLL_MS);
		if (k < 0 && errno != EINTR) {
			LogError(errno, RS_RET_ERR, "imsaker: poll failed");
			break;
		}
		for (i = 0; k > 0 && i < n; i++)
			if (pfd[i].revents & POLLIN)
				input_read(in[i], buf, scratch);
	}
	free(buf);
	free(scratch);
	return 0;
}

/* ---- the module template's entry points ---------------------------------- */

BEGINnewInpInst
	struct cnfparamvals *pvals;
	instanceConf_t *inst = NULL;
	char err[512] = "";
	int r;
CODESTARTnewInpInst
	pvals = nvlstGetParams(lst, &inppblk, NULL);
	if (pvals == NULL)
		ABORT_FINALIZE(RS_RET_MISSING_CNFPARAMS);
	r = input_new(loadModConf, &inst);
	if (r == -E2BIG) {
		LogError(0, RS_RET_INVALID_PARAMS, "imsaker: more than %d inputs", IMSAKER_MAX_INPUTS);
		ABORT_FINALIZE(RS_RET_INVALID_PARAMS);
	}
	if (r < 0)
		ABORT_FINALIZE(RS_RET_OUT_OF_MEMORY);
	r = input_set_params(inst, pvals, err, sizeof(err));
	if (r == -ENOMEM)
		ABORT_FINALIZE(RS_RET_OUT_OF_MEMORY);
	if (r < 0) {
		LogError(0, RS_RET_INVALID_PARAMS, "imsaker: %s", err);
		ABORT_FINALIZE(RS_RET_INVALID_PARAMS);
	}
	input_append(loadModConf, inst);
	inst = NULL;
finalize_it:
	input_free(inst);
	if (pvals != NULL)
		cnfparamvalsDestruct(pvals, &inppblk);
ENDnewInpInst

BEGINbeginCnfLoad
CODESTARTbeginCnfLoad
	loadModConf = pModConf;
	pModConf->pConf = pConf;
ENDbeginCnfLoad

BEGINendCnfLoad
CODESTARTendCnfLoad
	loadModConf = NULL;
ENDendCnfLoad

BEGINcheckCnf
	instanceConf_t *inst, *other;
	ruleset_t *rs;
	rsRetVal r;
CODESTARTcheckCnf
	for (inst = pModConf->root; inst != NULL; inst = inst->next) {
		for (other = pModConf->root; other != inst; other = other->next)
			if (strcmp(other->socket, inst->socket) == 0) {
				LogError(0, RS_RET_INVALID_PARAMS,
					 "imsaker: socket %s is configured twice", inst->socket);
				ABORT_FINALIZE(RS_RET_INVALID_PARAMS);
			}
		inst->ruleset = NULL;
		if (inst->ruleset_name == NULL)
			continue;
		r = ruleset.GetRuleset(pModConf->pConf, &rs, (uchar *)inst->ruleset_name);
		if (r == RS_RET_OK)
			inst->ruleset = rs;
		else
			LogError(0, r, "imsaker: ruleset '%s' for socket %s not found - using the "
				 "default ruleset instead", inst->ruleset_name, inst->socket);
	}
finalize_it:
ENDcheckCnf

BEGINactivateCnfPrePrivDrop
	instanceConf_t *inst;
	char err[512];
CODESTARTactivateCnfPrePrivDrop
	/* Sockets in /run need root: created before rsyslogd drops privileges. */
	runModConf = pModConf;
	for (inst = pModConf->root; inst != NULL; inst = inst->next) {
		err[0] = '\0';
		if (input_listen(inst, err, sizeof(err)) < 0)
			LogError(0, RS_RET_COULD_NOT_BIND, "imsaker: %s", err);
		else
			LogMsg(0, NO_ERRCODE, LOG_INFO, "imsaker: listening on %s", inst->socket);
	}
ENDactivateCnfPrePrivDrop

BEGINactivateCnf
	instanceConf_t *inst;
CODESTARTactivateCnf
	for (inst = pModConf->root; inst != NULL; inst = inst->next) {
		if (input_setup_ratelimit(inst) < 0 || input_setup_stats(inst) < 0)
			ABORT_FINALIZE(RS_RET_OUT_OF_MEMORY);
	}
finalize_it:
ENDactivateCnf

BEGINfreeCnf
	instanceConf_t *inst, *next;
CODESTARTfreeCnf
	for (inst = pModConf->root; inst != NULL; inst = next) {
		next = inst->next;
		input_close(inst);
		input_free(inst);
	}
ENDfreeCnf

BEGINwillRun
	instanceConf_t *inst;
	int open = 0;
CODESTARTwillRun
	for (inst = runModConf ? runModConf->root : NULL; inst != NULL; inst = inst->next)
		open += inst->fd >= 0;
	if (open == 0)
		ABORT_FINALIZE(RS_RET_NO_RUN);
	/* Messages are escaped the way rsyslog's parser escapes what it receives. */
	escape_opts.control = glbl.GetParserEscapeControlCharactersOnReceive(runConf) != 0;
	escape_opts.tab = glbl.GetParserEscapeControlCharacterTab(runConf) != 0;
	escape_opts.prefix = (char)glbl.GetParserControlCharacterEscapePrefix(runConf);
finalize_it:
ENDwillRun

BEGINrunInput
CODESTARTrunInput
	if (run(runModConf) < 0)
		ABORT_FINALIZE(RS_RET_OUT_OF_MEMORY);
finalize_it:
ENDrunInput

BEGINafterRun
	instanceConf_t *inst;
CODESTARTafterRun
	for (inst = runModConf ? runModConf->root : NULL; inst != NULL; inst = inst->next)
		input_close(inst);
ENDafterRun

BEGINmodExit
CODESTARTmodExit
	if (pInputName != NULL)
		prop.Destruct(&pInputName);
	objRelease(statsobj, CORE_COMPONENT);
	objRelease(ruleset, CORE_COMPONENT);
	objRelease(prop, CORE_COMPONENT);
	objRelease(glbl, CORE_COMPONENT);
ENDmodExit

BEGINisCompatibleWithFeature
CODESTARTisCompatibleWithFeature
	if (eFeat == sFEATURENonCancelInputTermination)
		iRet = RS_RET_OK;
ENDisCompatibleWithFeature

BEGINqueryEtryPt
CODESTARTqueryEtryPt
CODEqueryEtryPt_STD_IMOD_QUERIES
CODEqueryEtryPt_STD_CONF2_QUERIES
CODEqueryEtryPt_STD_CONF2_PREPRIVDROP_QUERIES
CODEqueryEtryPt_STD_CONF2_IMOD_QUERIES
CODEqueryEtryPt_IsCompatibleWithFeature_IF_OMOD_QUERIES
ENDqueryEtryPt

BEGINmodInit()
CODESTARTmodInit
	*ipIFVersProvided = CURR_MOD_IF_VERSION;
CODEmodInit_QueryRegCFSLineHdlr
	if (check_rsyslog_version() < 0)
		ABORT_FINALIZE(RS_RET_LOAD_ERROR);
	CHKiRet(objUse(glbl, CORE_COMPONENT));
	CHKiRet(objUse(prop, CORE_COMPONENT));
	CHKiRet(objUse(ruleset, CORE_COMPONENT));
	CHKiRet(objUse(statsobj, CORE_COMPONENT));
	CHKiRet(prop.Construct(&pInputName));
	CHKiRet(prop.SetString(pInputName, UCHAR_CONSTANT("imsaker"), sizeof("imsaker") - 1));
	CHKiRet(prop.ConstructFinalize(pInputName));
ENDmodInit
