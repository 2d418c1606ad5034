/* Text tables with columns as wide as their widest cell (cli.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "xmalloc.h"

struct table {
	size_t ncols;
	size_t nrows;
	char **cells; /* nrows * ncols */
	size_t *width;
};

struct table *
table_new(size_t ncols)
{
	struct table *t = xcalloc(1, sizeof *t);

	t->ncols = ncols;
	t->width = xcalloc(ncols, sizeof *t->width);
	return t;
}

void
table_add(struct table *t, ...)
{
	va_list ap;
	size_t i, n;
	char **row;

	t->cells = xreallocarray(t->cells, (t->nrows + 1) * t->ncols,
	    sizeof *t->cells);
	row = t->cells + t->nrows * t->ncols;
	va_start(ap, t);
	for (i = 0; i < t->ncols; i++) {
		row[i] = xstrdup(fmt_dash(va_arg(ap, const char *)));
		if ((n = strlen(row[i])) > t->width[i])
			t->width[i] = n;
	}
	va_end(ap);
	t->nrows++;
}

void
table_print(const struct table *t, FILE *fp)
{
	size_t r, i;
	char **row;

	for (r = 0; r < t->nrows; r++) {
		row = t->cells + r * t->ncols;
		for (i = 0; i + 1 < t->ncols; i++)
			fprintf(fp, "%-*s  ", (int)t->width[i], row[i]);
		fprintf(fp, "%s\n", row[t->ncols - 1]);
	}
}

void
table_free(struct table *t)
{
	size_t i;

	if (t == NULL)
		return;
	for (i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i]);
	free(t->cells);
	free(t->width);
	free(t);
}
