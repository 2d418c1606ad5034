/* The action links' state, shared by link.c (tokens) and link_http.c
 * (the requests). */
#ifndef BEACON_LINK_INT_H
#define BEACON_LINK_INT_H

#include "crypto.h"
#include "link.h"

#define LINK_PEERS 64		/* addresses whose requests are counted */
#define LINK_PEER_MAX 30	/* requests per address per window */
#define LINK_WINDOW 60000	/* ms */

struct link_peer {
	char addr[64];
	int64_t start;		/* the window's start, ms */
	int n;
};

struct link {
	unsigned char secret[CRYPTO_KEY_LEN];
	char *base;
	int lifetime;
	link_act_fn act;
	link_describe_fn describe;
	void *arg;
	struct link_peer peers[LINK_PEERS];
};

#endif
