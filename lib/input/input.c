/* The table of input formats: adding one is its file plus one line
 * here; and kdl_unpack, which opens the inputs, chooses their format and
 * has it read them. */
#include <stdlib.h>

#include "input/input.h"

static const struct kdl_entry *const inputs[] = {
	&kdl_input_elf.info,
	&kdl_input_kdump.info,
	&kdl_input_flat.info,
	&kdl_input_lime.info,
	&kdl_input_avml.info,
};

const struct kdl_registry kdl_inputs = {"input format", inputs, KDL_ARRAY_SIZE(inputs)};

const struct kdl_input_ops *kdl_input_find(const char *name)
{
	return (const struct kdl_input_ops *)kdl_registry_find(&kdl_inputs, name);
}

const struct kdl_entry *kdl_input_detect(const void *head, size_t n)
{
	for (size_t i = 0; i < kdl_inputs.count; i++)
		if (((const struct kdl_input_ops *)inputs[i])->probe(head, n))
			return inputs[i];
	return NULL;
}

/* The format to read ins with: the one named, or the one all their heads
 * agree on. */
static const struct kdl_input_ops *choose(kdl_ctx *ctx, const char *format,
                                          const struct kdl_input *ins, size_t n)
{
	const struct kdl_input_ops *ops = NULL;

	if (format)
		return (const struct kdl_input_ops *)kdl_lookup(ctx, &kdl_inputs, format);
	for (size_t i = 0; i < n; i++) {
		const struct kdl_input_ops *found =
			(const struct kdl_input_ops *)kdl_input_detect(ins[i].head, ins[i].head_len);
		char *names;

		if (!found) {
			names = kdl_names(&kdl_inputs);
			kdl_err(ctx, KDL_ERR_UNSUPPORTED, "%s: not a dump or capture that can be read (known: %s); raw memory goes through vmc-seg",
			        ins[i].name, names ? names : "?");
			free(names);
			return NULL;
		}
		if (ops && found != ops) {
			kdl_err(ctx, KDL_ERR_INVALID, "%s is %s and %s is %s: the files read together are parts of one dump",
			        ins[0].name, ops->info.name, ins[i].name, found->info.name);
			return NULL;
		}
		ops = found;
	}
	return ops;
}

int kdl_unpack(kdl_ctx *ctx, kdl_writer *w, const int *fds,
               const char *const *names, size_t n,
               const struct kdl_unpack_options *opts, uint64_t *lost)
{
	struct kdl_unpack_options none = {0};
	const struct kdl_input_ops *ops;
	struct kdl_unpacker *u = NULL;
	struct kdl_input *ins;
	int ret = -1;

	if (!opts)
		opts = &none;
	if (!n)
		return kdl_err(ctx, KDL_ERR_INVALID, "nothing to read");
	ins = kdl_alloc(ctx, n * sizeof(*ins));
	if (!ins || !(u = kdl_unpacker_new(ctx, w, opts)))
		goto out;
	for (size_t i = 0; i < n; i++)
		if (kdl_input_open(ctx, &ins[i], fds[i], names[i]))
			goto out;
	ops = choose(ctx, opts->format, ins, n);
	if (!ops)
		goto out;
	if (n > 1 && !ops->takes_parts) {
		kdl_err(ctx, KDL_ERR_INVALID, "the %s format is read one file at a time", ops->info.name);
		goto out;
	}
	ret = ops->unpack(u, ins, n) || kdl_unpacker_done(u, lost) ? -1 : 0;
out:
	free(ins);
	kdl_unpacker_free(u);
	return ret;
}
