/*
 * Topics (topic.h): one place that knows how Beacon's topics are laid out.
 */
#include <stdarg.h>
#include <string.h>

#include "topic.h"
#include "xmalloc.h"

char *
topic_make(const char *prefix, const char *kind, ...)
{
	va_list ap;
	const char *level;
	size_t len = strlen(prefix) + 1 + strlen(kind) + 1;
	char *t;

	va_start(ap, kind);
	while ((level = va_arg(ap, const char *)) != NULL)
		len += 1 + strlen(level);
	va_end(ap);
	t = xmalloc(len);
	strcpy(t, prefix);
	strcat(t, "/");
	strcat(t, kind);
	va_start(ap, kind);
	while ((level = va_arg(ap, const char *)) != NULL) {
		strcat(t, "/");
		strcat(t, level);
	}
	va_end(ap);
	return t;
}

const char *
topic_match(const char *topic, const char *prefix, const char *kind)
{
	size_t p = strlen(prefix), k = strlen(kind);

	if (strncmp(topic, prefix, p) != 0 || topic[p] != '/' ||
	    strncmp(topic + p + 1, kind, k) != 0 || topic[p + 1 + k] != '/' ||
	    topic[p + 2 + k] == '\0')
		return NULL;
	return topic + p + k + 2;
}

const char *
topic_kind(const char *topic, const char *prefix, char *buf, size_t size)
{
	size_t p = strlen(prefix), k;
	const char *kind, *slash;

	if (strncmp(topic, prefix, p) != 0 || topic[p] != '/')
		return NULL;
	kind = topic + p + 1;
	if ((slash = strchr(kind, '/')) == NULL || slash[1] == '\0' ||
	    (k = (size_t)(slash - kind)) >= size)
		return NULL;
	memcpy(buf, kind, k);
	buf[k] = '\0';
	return slash + 1;
}

const char *
topic_level(const char *rest, char *buf, size_t size)
{
	size_t n = strcspn(rest, "/");

	if (size > 0) {
		size_t c = n < size - 1 ? n : size - 1;

		memcpy(buf, rest, c);
		buf[c] = '\0';
	}
	return rest[n] == '/' ? rest + n + 1 : rest + n;
}

int
topic_levels(const char *rest)
{
	int n;

	if (*rest == '\0')
		return 0;
	for (n = 1; *rest != '\0'; rest++)
		if (*rest == '/')
			n++;
	return n;
}
