/* The table of page codecs: adding one is its file plus one line here. */
#include <string.h>

#include "internal.h"

static const struct kdl_codec *const codecs[] = {
	&kdl_codec_none,
	&kdl_codec_zlib,
	&kdl_codec_lzo,
	&kdl_codec_snappy,
	&kdl_codec_zstd,
};

#define NCODECS (sizeof(codecs) / sizeof(codecs[0]))

const struct kdl_codec *kdl_codec_find(const char *name)
{
	for (size_t i = 0; i < NCODECS; i++)
		if (!strcmp(codecs[i]->name, name))
			return codecs[i];
	return NULL;
}

char *kdl_codec_names(void)
{
	struct kdl_str list = {0};

	for (size_t i = 0; i < NCODECS; i++)
		kdl_str_add(&list, "%s%s", i ? " " : "", codecs[i]->name);
	return kdl_str_finish(NULL, &list);
}
