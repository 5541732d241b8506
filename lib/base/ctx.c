/* The context object: where failures leave their message and class. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"

kdl_ctx *kdl_ctx_new(void)
{
	return calloc(1, sizeof(kdl_ctx));
}

void kdl_ctx_free(kdl_ctx *ctx)
{
	free(ctx);
}

const char *kdl_ctx_error(const kdl_ctx *ctx)
{
	return ctx->error;
}

enum kdl_status kdl_ctx_status(const kdl_ctx *ctx)
{
	return ctx->status;
}

void kdl_ctx_set_warn(kdl_ctx *ctx, kdl_warn_fn *fn, void *arg)
{
	ctx->warn = fn;
	ctx->warn_arg = arg;
}

int kdl_errv(kdl_ctx *ctx, enum kdl_status status, const char *fmt, va_list ap)
{
	vsnprintf(ctx->error, sizeof(ctx->error), fmt, ap);
	ctx->status = status;
	return -1;
}

int kdl_err(kdl_ctx *ctx, enum kdl_status status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	kdl_errv(ctx, status, fmt, ap);
	va_end(ap);
	return -1;
}

int kdl_err_sys(kdl_ctx *ctx, const char *fmt, ...)
{
	int saved = errno;
	size_t used;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(ctx->error, sizeof(ctx->error), fmt, ap);
	va_end(ap);
	used = strlen(ctx->error);
	snprintf(ctx->error + used, sizeof(ctx->error) - used, ": %s",
	         strerror(saved));
	ctx->status = saved == ENOMEM ? KDL_ERR_NOMEM : KDL_ERR_IO;
	errno = saved;
	return -1;
}

int kdl_err_prefix(kdl_ctx *ctx, const char *fmt, ...)
{
	char old[sizeof(ctx->error)];
	size_t used;
	va_list ap;

	memcpy(old, ctx->error, sizeof(old));
	va_start(ap, fmt);
	vsnprintf(ctx->error, sizeof(ctx->error), fmt, ap);
	va_end(ap);
	used = strlen(ctx->error);
	snprintf(ctx->error + used, sizeof(ctx->error) - used, ": %s", old);
	return -1;
}

void kdl_err_reclass(kdl_ctx *ctx, enum kdl_status from, enum kdl_status to)
{
	if (ctx->status == from)
		ctx->status = to;
}

void kdl_warnv(kdl_ctx *ctx, const char *fmt, va_list ap)
{
	char msg[1024];

	if (!ctx->warn)
		return;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	ctx->warn(ctx->warn_arg, msg);
}

void kdl_warn(kdl_ctx *ctx, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	kdl_warnv(ctx, fmt, ap);
	va_end(ap);
}
