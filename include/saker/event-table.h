/* SPDX-License-Identifier: (GPL-2.0-only OR MIT) */
/*
 * The one table of saker event types.  Every syscall event is an exit event
 * (arguments and return value together); the first parameter is always the
 * return value (evt.rawres).  Event and parameter names follow Falco's so
 * that imported rules match (evt.type=openat, evt.arg.flags, ...).
 *
 * Expanded with two macros: E(ID, "name", CATEGORY, params) and
 * P(name, TYPE, FMTSET), where params is a sequence of P() entries.  Order
 * is ABI: append new events at the end of their block and bump
 * SAKER_ABI_VERSION when anything here changes.
 *
 * Conventions:
 *  - a path argument is sent raw (PATH) and, next to it, resolved against
 *    the dirfd/cwd by the kernel (ABSPATH, suffix _abs; lexical "../" is
 *    left to userspace).  Successful opens resolve with d_path of the file.
 *  - "task context" (SAKER_TASK_CTX) rides only on events that create or
 *    change it: clone family, exec, credential and namespace calls.
 */
#ifndef SAKER_EVENT_TABLE_H
#define SAKER_EVENT_TABLE_H

/* Credentials, cgroup, namespaces and tty of the calling task after the call. */
#define SAKER_TASK_CTX(P)						\
	P(uid, UID, NONE) P(gid, GID, NONE)				\
	P(euid, UID, NONE) P(egid, GID, NONE)				\
	P(suid, UID, NONE) P(sgid, GID, NONE)				\
	P(loginuid, UID, NONE)						\
	P(cap_inheritable, FLAGS64, CAPS)				\
	P(cap_permitted, FLAGS64, CAPS)					\
	P(cap_effective, FLAGS64, CAPS)					\
	P(cgroup_id, U64, NONE) P(cgroups, STR, NONE)			\
	P(pidns, INO, NONE) P(netns, INO, NONE)				\
	P(userns, INO, NONE) P(mntns, INO, NONE)			\
	P(tty, DEV, NONE) P(sid, PID, NONE) P(pgid, PID, NONE)		\
	P(vtid, PID, NONE) P(vpid, PID, NONE) P(ptid, PID, NONE)	\
	P(comm, STR, NONE)

/* Process image after a successful exec (empty/faulted on failure). */
#define SAKER_EXEC_CTX(P)						\
	P(exe, STR, NONE)		/* argv[0] */			\
	P(args, STRARR, NONE)		/* argv[1..], size-limited */	\
	P(env, STRARR, NONE)		/* envp, size-limited */	\
	P(cwd, ABSPATH, NONE)						\
	P(exepath, ABSPATH, NONE)	/* d_path of mm->exe_file */	\
	P(exe_flags, FLAGS32, EXECVE_FLAGS)				\
	P(exe_ino, INO, NONE)						\
	P(exe_dev, DEV, NONE)

#define SAKER_EVENT_TABLE(E, P)						\
	/* ---- meta (not syscalls) ---- */				\
	E(NONE, "none", META, )						\
	E(PAD, "pad", META, )		/* ring filler, skip */		\
	E(PROCEXIT, "procexit", PROCESS,				\
	  P(status, S64, NONE) P(ret, S64, NONE) P(sig, SIG, SIGNAL)	\
	  P(core, U32, NONE) P(reaper_tid, PID, NONE))			\
	E(PROCFORK, "procfork", PROCESS,				\
	  P(res, S64, NONE) P(child_tid, PID, NONE)			\
	  P(child_pid, PID, NONE) P(comm, STR, NONE))			\
	E(DROP, "drop", META,						\
	  P(res, S64, NONE) P(lost, U64, NONE) P(reason, U32, NONE))	\
	/* entry records, paired with the exit by tid */		\
	E(EXECVE_E, "execve_e", PROCESS,				\
	  P(res, S64, NONE) P(filename, PATH, NONE)			\
	  P(filename_abs, ABSPATH, NONE))				\
	E(EXECVEAT_E, "execveat_e", PROCESS,				\
	  P(res, S64, NONE) P(dirfd, FD, NONE) P(pathname, PATH, NONE)	\
	  P(pathname_abs, ABSPATH, NONE) P(flags, FLAGS32, AT_FLAGS))	\
	/* ---- file ---- */						\
	E(OPEN, "open", FILE,						\
	  P(fd, FD, NONE) P(name, PATH, NONE) P(name_abs, ABSPATH, NONE)\
	  P(flags, FLAGS32, OPEN_FLAGS) P(mode, MODE, NONE)		\
	  P(dev, DEV, NONE) P(ino, INO, NONE))				\
	E(OPENAT, "openat", FILE,					\
	  P(fd, FD, NONE) P(dirfd, FD, NONE) P(name, PATH, NONE)	\
	  P(name_abs, ABSPATH, NONE) P(flags, FLAGS32, OPEN_FLAGS)	\
	  P(mode, MODE, NONE) P(dev, DEV, NONE) P(ino, INO, NONE))	\
	E(OPENAT2, "openat2", FILE,					\
	  P(fd, FD, NONE) P(dirfd, FD, NONE) P(name, PATH, NONE)	\
	  P(name_abs, ABSPATH, NONE) P(flags, FLAGS32, OPEN_FLAGS)	\
	  P(mode, MODE, NONE) P(resolve, FLAGS32, OPENAT2_RESOLVE)	\
	  P(dev, DEV, NONE) P(ino, INO, NONE))				\
	E(CREAT, "creat", FILE,						\
	  P(fd, FD, NONE) P(name, PATH, NONE) P(name_abs, ABSPATH, NONE)\
	  P(mode, MODE, NONE) P(dev, DEV, NONE) P(ino, INO, NONE))	\
	E(CLOSE, "close", FILE, P(res, ERRNO, NONE) P(fd, FD, NONE))	\
	E(UNLINK, "unlink", FILE,					\
	  P(res, ERRNO, NONE) P(path, PATH, NONE)			\
	  P(path_abs, ABSPATH, NONE))					\
	E(UNLINKAT, "unlinkat", FILE,					\
	  P(res, ERRNO, NONE) P(dirfd, FD, NONE) P(name, PATH, NONE)	\
	  P(name_abs, ABSPATH, NONE) P(flags, FLAGS32, UNLINKAT_FLAGS))	\
	E(RENAME, "rename", FILE,					\
	  P(res, ERRNO, NONE) P(oldpath, PATH, NONE)			\
	  P(oldpath_abs, ABSPATH, NONE) P(newpath, PATH, NONE)		\
	  P(newpath_abs, ABSPATH, NONE))				\
	E(RENAMEAT, "renameat", FILE,					\
	  P(res, ERRNO, NONE) P(olddirfd, FD, NONE)			\
	  P(oldpath, PATH, NONE) P(oldpath_abs, ABSPATH, NONE)		\
	  P(newdirfd, FD, NONE) P(newpath, PATH, NONE)			\
	  P(newpath_abs, ABSPATH, NONE))				\
	E(RENAMEAT2, "renameat2", FILE,					\
	  P(res, ERRNO, NONE) P(olddirfd, FD, NONE)			\
	  P(oldpath, PATH, NONE) P(oldpath_abs, ABSPATH, NONE)		\
	  P(newdirfd, FD, NONE) P(newpath, PATH, NONE)			\
	  P(newpath_abs, ABSPATH, NONE) P(flags, FLAGS32, RENAME_FLAGS))\
	E(LINK, "link", FILE,						\
	  P(res, ERRNO, NONE) P(oldpath, PATH, NONE)			\
	  P(oldpath_abs, ABSPATH, NONE) P(newpath, PATH, NONE)		\
	  P(newpath_abs, ABSPATH, NONE))				\
	E(LINKAT, "linkat", FILE,					\
	  P(res, ERRNO, NONE) P(olddir, FD, NONE)			\
	  P(oldpath, PATH, NONE) P(oldpath_abs, ABSPATH, NONE)		\
	  P(newdir, FD, NONE) P(newpath, PATH, NONE)			\
	  P(newpath_abs, ABSPATH, NONE) P(flags, FLAGS32, LINKAT_FLAGS))\
	E(SYMLINK, "symlink", FILE,					\
	  P(res, ERRNO, NONE) P(target, PATH, NONE)			\
	  P(linkpath, PATH, NONE) P(linkpath_abs, ABSPATH, NONE))	\
	E(SYMLINKAT, "symlinkat", FILE,					\
	  P(res, ERRNO, NONE) P(target, PATH, NONE)			\
	  P(linkdirfd, FD, NONE) P(linkpath, PATH, NONE)		\
	  P(linkpath_abs, ABSPATH, NONE))				\
	E(MKDIR, "mkdir", FILE,						\
	  P(res, ERRNO, NONE) P(path, PATH, NONE)			\
	  P(path_abs, ABSPATH, NONE) P(mode, MODE, NONE))		\
	E(MKDIRAT, "mkdirat", FILE,					\
	  P(res, ERRNO, NONE) P(dirfd, FD, NONE) P(path, PATH, NONE)	\
	  P(path_abs, ABSPATH, NONE) P(mode, MODE, NONE))		\
	E(RMDIR, "rmdir", FILE,						\
	  P(res, ERRNO, NONE) P(path, PATH, NONE)			\
	  P(path_abs, ABSPATH, NONE))					\
	E(CHMOD, "chmod", FILE,						\
	  P(res, ERRNO, NONE) P(filename, PATH, NONE)			\
	  P(filename_abs, ABSPATH, NONE) P(mode, MODE, NONE))		\
	E(FCHMOD, "fchmod", FILE,					\
	  P(res, ERRNO, NONE) P(fd, FD, NONE) P(mode, MODE, NONE))	\
	E(FCHMODAT, "fchmodat", FILE,					\
	  P(res, ERRNO, NONE) P(dirfd, FD, NONE)			\
	  P(filename, PATH, NONE) P(filename_abs, ABSPATH, NONE)	\
	  P(mode, MODE, NONE) P(flags, FLAGS32, AT_FLAGS))		\
	E(CHOWN, "chown", FILE,						\
	  P(res, ERRNO, NONE) P(path, PATH, NONE)			\
	  P(path_abs, ABSPATH, NONE) P(uid, UID, NONE) P(gid, GID, NONE))\
	E(LCHOWN, "lchown", FILE,					\
	  P(res, ERRNO, NONE) P(path, PATH, NONE)			\
	  P(path_abs, ABSPATH, NONE) P(uid, UID, NONE) P(gid, GID, NONE))\
	E(FCHOWN, "fchown", FILE,					\
	  P(res, ERRNO, NONE) P(fd, FD, NONE)				\
	  P(uid, UID, NONE) P(gid, GID, NONE))				\
	E(FCHOWNAT, "fchownat", FILE,					\
	  P(res, ERRNO, NONE) P(dirfd, FD, NONE)			\
	  P(pathname, PATH, NONE) P(pathname_abs, ABSPATH, NONE)	\
	  P(uid, UID, NONE) P(gid, GID, NONE) P(flags, FLAGS32, AT_FLAGS))\
	E(TRUNCATE, "truncate", FILE,					\
	  P(res, ERRNO, NONE) P(path, PATH, NONE)			\
	  P(path_abs, ABSPATH, NONE) P(length, U64, NONE))		\
	E(FTRUNCATE, "ftruncate", FILE,					\
	  P(res, ERRNO, NONE) P(fd, FD, NONE) P(length, U64, NONE))	\
	E(MOUNT, "mount", FILE,						\
	  P(res, ERRNO, NONE) P(dev, PATH, NONE) P(dir, PATH, NONE)	\
	  P(dir_abs, ABSPATH, NONE) P(type, STR, NONE)			\
	  P(flags, FLAGS32, MOUNT_FLAGS))				\
	E(UMOUNT2, "umount2", FILE,					\
	  P(res, ERRNO, NONE) P(name, PATH, NONE)			\
	  P(name_abs, ABSPATH, NONE) P(flags, FLAGS32, UMOUNT_FLAGS))	\
	E(FSOPEN, "fsopen", FILE,					\
	  P(res, FD, NONE) P(fsname, STR, NONE)				\
	  P(flags, FLAGS32, FSOPEN_FLAGS))				\
	E(FSCONFIG, "fsconfig", FILE,					\
	  P(res, ERRNO, NONE) P(fd, FD, NONE)				\
	  P(cmd, ENUM32, FSCONFIG_CMD) P(key, STR, NONE)		\
	  P(value, STR, NONE) P(aux, S32, NONE))			\
	E(FSMOUNT, "fsmount", FILE,					\
	  P(res, FD, NONE) P(fs_fd, FD, NONE)				\
	  P(flags, FLAGS32, FSMOUNT_FLAGS)				\
	  P(attr_flags, FLAGS32, MOUNT_ATTR))				\
	E(MOVE_MOUNT, "move_mount", FILE,				\
	  P(res, ERRNO, NONE) P(from_dfd, FD, NONE)			\
	  P(from_pathname, PATH, NONE) P(to_dfd, FD, NONE)		\
	  P(to_pathname, PATH, NONE) P(to_pathname_abs, ABSPATH, NONE)	\
	  P(flags, FLAGS32, MOVE_MOUNT_FLAGS))				\
	E(OPEN_TREE, "open_tree", FILE,					\
	  P(res, FD, NONE) P(dfd, FD, NONE) P(filename, PATH, NONE)	\
	  P(filename_abs, ABSPATH, NONE)				\
	  P(flags, FLAGS32, OPEN_TREE_FLAGS))				\
	/* ---- process ---- */						\
	E(CLONE, "clone", PROCESS,					\
	  P(res, PID, NONE) P(flags, FLAGS64, CLONE_FLAGS)		\
	  SAKER_TASK_CTX(P))						\
	E(CLONE3, "clone3", PROCESS,					\
	  P(res, PID, NONE) P(flags, FLAGS64, CLONE_FLAGS)		\
	  SAKER_TASK_CTX(P))						\
	E(FORK, "fork", PROCESS,					\
	  P(res, PID, NONE) P(flags, FLAGS64, CLONE_FLAGS)		\
	  SAKER_TASK_CTX(P))						\
	E(VFORK, "vfork", PROCESS,					\
	  P(res, PID, NONE) P(flags, FLAGS64, CLONE_FLAGS)		\
	  SAKER_TASK_CTX(P))						\
	E(EXECVE, "execve", PROCESS,					\
	  P(res, ERRNO, NONE) P(filename, PATH, NONE)			\
	  SAKER_EXEC_CTX(P) SAKER_TASK_CTX(P))				\
	E(EXECVEAT, "execveat", PROCESS,				\
	  P(res, ERRNO, NONE) P(dirfd, FD, NONE)			\
	  P(pathname, PATH, NONE) P(flags, FLAGS32, AT_FLAGS)		\
	  SAKER_EXEC_CTX(P) SAKER_TASK_CTX(P))				\
	E(KILL, "kill", PROCESS,					\
	  P(res, ERRNO, NONE) P(pid, PID, NONE) P(sig, SIG, SIGNAL))	\
	E(TKILL, "tkill", PROCESS,					\
	  P(res, ERRNO, NONE) P(tid, PID, NONE) P(sig, SIG, SIGNAL))	\
	E(TGKILL, "tgkill", PROCESS,					\
	  P(res, ERRNO, NONE) P(pid, PID, NONE) P(tid, PID, NONE)	\
	  P(sig, SIG, SIGNAL))						\
	E(PTRACE, "ptrace", PROCESS,					\
	  P(res, ERRNO, NONE) P(request, ENUM32, PTRACE_REQ)		\
	  P(pid, PID, NONE) P(addr, U64, NONE) P(data, U64, NONE))	\
	E(PRCTL, "prctl", PROCESS,					\
	  P(res, ERRNO, NONE) P(option, ENUM32, PRCTL_OPT)		\
	  P(arg2_str, STR, NONE) P(arg2_int, S64, NONE))		\
	/* ---- credentials ---- */					\
	E(SETUID, "setuid", CREDS,					\
	  P(res, ERRNO, NONE) P(uid_arg, UID, NONE) SAKER_TASK_CTX(P))	\
	E(SETGID, "setgid", CREDS,					\
	  P(res, ERRNO, NONE) P(gid_arg, GID, NONE) SAKER_TASK_CTX(P))	\
	E(SETREUID, "setreuid", CREDS,					\
	  P(res, ERRNO, NONE) P(ruid, UID, NONE) P(euid_arg, UID, NONE)	\
	  SAKER_TASK_CTX(P))						\
	E(SETREGID, "setregid", CREDS,					\
	  P(res, ERRNO, NONE) P(rgid, GID, NONE) P(egid_arg, GID, NONE)	\
	  SAKER_TASK_CTX(P))						\
	E(SETRESUID, "setresuid", CREDS,				\
	  P(res, ERRNO, NONE) P(ruid, UID, NONE) P(euid_arg, UID, NONE)	\
	  P(suid_arg, UID, NONE) SAKER_TASK_CTX(P))			\
	E(SETRESGID, "setresgid", CREDS,				\
	  P(res, ERRNO, NONE) P(rgid, GID, NONE) P(egid_arg, GID, NONE)	\
	  P(sgid_arg, GID, NONE) SAKER_TASK_CTX(P))			\
	E(SETGROUPS, "setgroups", CREDS,				\
	  P(res, ERRNO, NONE) P(size, U32, NONE) SAKER_TASK_CTX(P))	\
	E(CAPSET, "capset", CREDS,					\
	  P(res, ERRNO, NONE) SAKER_TASK_CTX(P))			\
	/* ---- namespaces ---- */					\
	E(SETNS, "setns", NS,						\
	  P(res, ERRNO, NONE) P(fd, FD, NONE)				\
	  P(nstype, FLAGS64, CLONE_FLAGS) SAKER_TASK_CTX(P))		\
	E(UNSHARE, "unshare", NS,					\
	  P(res, ERRNO, NONE) P(flags, FLAGS64, CLONE_FLAGS)		\
	  SAKER_TASK_CTX(P))						\
	/* ---- network ---- */						\
	E(SOCKET, "socket", NET,					\
	  P(fd, FD, NONE) P(domain, ENUM32, SOCK_FAMILY)		\
	  P(type, FLAGS32, SOCK_TYPE) P(proto, U32, NONE))		\
	E(SOCKETPAIR, "socketpair", NET,				\
	  P(res, ERRNO, NONE) P(fd1, FD, NONE) P(fd2, FD, NONE)		\
	  P(domain, ENUM32, SOCK_FAMILY) P(type, FLAGS32, SOCK_TYPE)	\
	  P(proto, U32, NONE))						\
	E(CONNECT, "connect", NET,					\
	  P(res, ERRNO, NONE) P(fd, FD, NONE) P(addr, SOCKADDR, NONE)	\
	  P(tuple, TUPLE, NONE))					\
	E(ACCEPT, "accept", NET,					\
	  P(fd, FD, NONE) P(listen_fd, FD, NONE) P(tuple, TUPLE, NONE))	\
	E(ACCEPT4, "accept4", NET,					\
	  P(fd, FD, NONE) P(listen_fd, FD, NONE) P(tuple, TUPLE, NONE)	\
	  P(flags, FLAGS32, SOCK_TYPE))					\
	E(BIND, "bind", NET,						\
	  P(res, ERRNO, NONE) P(fd, FD, NONE) P(addr, SOCKADDR, NONE))	\
	E(LISTEN, "listen", NET,					\
	  P(res, ERRNO, NONE) P(fd, FD, NONE) P(backlog, S32, NONE))	\
	E(SENDTO, "sendto", NET,					\
	  P(res, ERRNO, NONE) P(fd, FD, NONE) P(size, U64, NONE)	\
	  P(addr, SOCKADDR, NONE) P(data, BYTES, NONE))			\
	E(RECVFROM, "recvfrom", NET,					\
	  P(res, ERRNO, NONE) P(fd, FD, NONE) P(size, U64, NONE)	\
	  P(addr, SOCKADDR, NONE) P(data, BYTES, NONE))			\
	E(SENDMSG, "sendmsg", NET,					\
	  P(res, ERRNO, NONE) P(fd, FD, NONE) P(size, U64, NONE)	\
	  P(addr, SOCKADDR, NONE) P(data, BYTES, NONE))			\
	E(RECVMSG, "recvmsg", NET,					\
	  P(res, ERRNO, NONE) P(fd, FD, NONE) P(size, U64, NONE)	\
	  P(addr, SOCKADDR, NONE) P(data, BYTES, NONE))			\
	/* ---- file descriptors ---- */				\
	E(DUP, "dup", FDS, P(res, FD, NONE) P(oldfd, FD, NONE))		\
	E(DUP2, "dup2", FDS,						\
	  P(res, FD, NONE) P(oldfd, FD, NONE) P(newfd, FD, NONE))	\
	E(DUP3, "dup3", FDS,						\
	  P(res, FD, NONE) P(oldfd, FD, NONE) P(newfd, FD, NONE)	\
	  P(flags, FLAGS32, DUP3_FLAGS))				\
	E(FCNTL, "fcntl", FDS,						\
	  P(res, S64, NONE) P(fd, FD, NONE) P(cmd, ENUM32, FCNTL_CMD)	\
	  P(arg, S64, NONE))						\
	E(PIPE, "pipe", FDS,						\
	  P(res, ERRNO, NONE) P(fd1, FD, NONE) P(fd2, FD, NONE)		\
	  P(ino, INO, NONE))						\
	E(PIPE2, "pipe2", FDS,						\
	  P(res, ERRNO, NONE) P(fd1, FD, NONE) P(fd2, FD, NONE)		\
	  P(ino, INO, NONE) P(flags, FLAGS32, PIPE_FLAGS))		\
	E(MEMFD_CREATE, "memfd_create", FDS,				\
	  P(fd, FD, NONE) P(name, STR, NONE)				\
	  P(flags, FLAGS32, MEMFD_FLAGS))				\
	/* ---- keys ---- */						\
	E(ADD_KEY, "add_key", KEYS,					\
	  P(res, S64, NONE) P(type, STR, NONE)				\
	  P(description, STR, NONE) P(keyring, S32, NONE))		\
	E(REQUEST_KEY, "request_key", KEYS,				\
	  P(res, S64, NONE) P(type, STR, NONE)				\
	  P(description, STR, NONE) P(keyring, S32, NONE))		\
	E(KEYCTL, "keyctl", KEYS,					\
	  P(res, S64, NONE) P(operation, ENUM32, KEYCTL_CMD)		\
	  P(arg2, U64, NONE) P(arg3, U64, NONE))			\
	/* ---- kernel ---- */						\
	E(INIT_MODULE, "init_module", KERNEL,				\
	  P(res, ERRNO, NONE) P(length, U64, NONE) P(uargs, STR, NONE))	\
	E(FINIT_MODULE, "finit_module", KERNEL,				\
	  P(res, ERRNO, NONE) P(fd, FD, NONE) P(uargs, STR, NONE)	\
	  P(flags, FLAGS32, MODULE_FLAGS) P(path, ABSPATH, NONE))	\
	E(DELETE_MODULE, "delete_module", KERNEL,			\
	  P(res, ERRNO, NONE) P(name, STR, NONE)			\
	  P(flags, FLAGS32, DELMOD_FLAGS))				\
	E(BPF, "bpf", KERNEL,						\
	  P(res, S64, NONE) P(cmd, ENUM32, BPF_CMD))			\
	E(KEXEC_LOAD, "kexec_load", KERNEL,				\
	  P(res, ERRNO, NONE) P(entry, U64, NONE)			\
	  P(nr_segments, U64, NONE) P(flags, FLAGS32, KEXEC_FLAGS))	\
	E(KEXEC_FILE_LOAD, "kexec_file_load", KERNEL,			\
	  P(res, ERRNO, NONE) P(kernel_fd, FD, NONE)			\
	  P(initrd_fd, FD, NONE) P(cmdline, STR, NONE)			\
	  P(flags, FLAGS32, KEXEC_FLAGS))				\
	E(REBOOT, "reboot", KERNEL,					\
	  P(res, ERRNO, NONE) P(cmd, ENUM32, REBOOT_CMD))		\
	E(PERF_EVENT_OPEN, "perf_event_open", KERNEL,			\
	  P(res, FD, NONE) P(type, U32, NONE) P(config, U64, NONE)	\
	  P(pid, PID, NONE) P(cpu, S32, NONE) P(flags, U32, NONE))	\
	E(USERFAULTFD, "userfaultfd", KERNEL,				\
	  P(res, FD, NONE) P(flags, FLAGS32, UFFD_FLAGS))		\
	E(IO_URING_SETUP, "io_uring_setup", KERNEL,			\
	  P(res, FD, NONE) P(entries, U32, NONE)			\
	  P(flags, FLAGS32, IOURING_FLAGS))				\
	/* ---- memory (only PROT_EXEC mappings are sent) ---- */	\
	E(MMAP, "mmap", MEMORY,						\
	  P(res, U64, NONE) P(addr, U64, NONE) P(length, U64, NONE)	\
	  P(prot, FLAGS32, PROT_FLAGS) P(flags, FLAGS32, MMAP_FLAGS)	\
	  P(fd, FD, NONE) P(offset, U64, NONE))				\
	E(MPROTECT, "mprotect", MEMORY,					\
	  P(res, ERRNO, NONE) P(addr, U64, NONE) P(length, U64, NONE)	\
	  P(prot, FLAGS32, PROT_FLAGS))					\
	/* ---- I/O (only when a rule selects them) ---- */		\
	E(READ, "read", IO,						\
	  P(res, ERRNO, NONE) P(fd, FD, NONE) P(size, U64, NONE)	\
	  P(data, BYTES, NONE))						\
	E(WRITE, "write", IO,						\
	  P(res, ERRNO, NONE) P(fd, FD, NONE) P(size, U64, NONE)	\
	  P(data, BYTES, NONE))

#endif /* SAKER_EVENT_TABLE_H */
