/*
 * Ids: checking one, and making one no other device will make. Apart from
 * beacon.h (which includes it) so that a module whose includes clash with
 * beacon.h's types (mqtt.c: libevent's struct event) can use it alone.
 */
#ifndef BEACON_ID_H
#define BEACON_ID_H

#include <stddef.h>

#define ID_MAX 64 /* ids: 1-64 of A-Za-z0-9._:- */

/* prefix and 16 random hex digits into buf ("cli-3f9a..."): an id no
 * other device will make, with no state kept. Fatal if buf is too small or
 * the kernel gives no randomness. */
char *id_random(const char *prefix, char *buf, size_t len);
/* 1 if s is 1..ID_MAX characters of A-Za-z0-9._:- */
int id_valid(const char *s);

#endif
