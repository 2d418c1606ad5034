/*
 * Replays a corpus through a harness without libFuzzer: every file in each
 * directory named (or each file named), in name order, is read into a
 * buffer of its exact size and passed to LLVMFuzzerTestOneInput once. A
 * harness reports a finding by crashing, so reaching the end is a pass.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

static int
replay_file(const char *path)
{
	FILE *fp;
	struct stat sb;
	unsigned char *buf;
	size_t n;

	if ((fp = fopen(path, "rb")) == NULL || fstat(fileno(fp), &sb) != 0) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		if (fp != NULL)
			fclose(fp);
		return -1;
	}
	/* Exactly the file's size, so that reading past it is caught. */
	if ((buf = malloc(sb.st_size > 0 ? (size_t)sb.st_size : 1)) == NULL) {
		fclose(fp);
		return -1;
	}
	n = fread(buf, 1, (size_t)sb.st_size, fp);
	fclose(fp);
	LLVMFuzzerTestOneInput(buf, n);
	free(buf);
	return 0;
}

static int
skip_dot(const struct dirent *de)
{
	return de->d_name[0] != '.';
}

/* Returns the number of inputs replayed, or -1. */
static int
replay_dir(const char *dir)
{
	struct dirent **names;
	char path[4096];
	int i, n, done = 0;

	if ((n = scandir(dir, &names, skip_dot, alphasort)) < 0) {
		fprintf(stderr, "replay: %s: %s\n", dir, strerror(errno));
		return -1;
	}
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof path, "%s/%s", dir, names[i]->d_name);
		if (done >= 0 && replay_file(path) == 0)
			done++;
		else
			done = -1;
		free(names[i]);
	}
	free(names);
	return done;
}

int
main(int argc, char **argv)
{
	struct stat sb;
	int i, n, total = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: %s dir|file ...\n", argv[0]);
		return 2;
	}
	for (i = 1; i < argc; i++) {
		if (stat(argv[i], &sb) == 0 && S_ISDIR(sb.st_mode))
			n = replay_dir(argv[i]);
		else
			n = replay_file(argv[i]) == 0 ? 1 : -1;
		if (n < 0)
			return 1;
		total += n;
	}
	/* An empty corpus proves nothing: fail rather than pass on it. */
	if (total == 0) {
		fprintf(stderr, "replay: no inputs\n");
		return 1;
	}
	printf("replay: %d inputs, no finding\n", total);
	return 0;
}
