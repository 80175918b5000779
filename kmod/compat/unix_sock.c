/* SPDX-License-Identifier: GPL-2.0-only */
/* struct unix_sock (peer, address, state lock) visible to modules. */
#include <net/af_unix.h>

int saker_probe(struct sock *sk);
int saker_probe(struct sock *sk)
{
	struct unix_address *addr;
	struct sock *peer;

	unix_state_lock(sk);
	peer = unix_peer(sk);
	addr = unix_sk(sk)->addr;
	unix_state_unlock(sk);
	return peer && addr ? addr->len : 0;
}
