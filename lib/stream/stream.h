/* stream: the record stream between the programs (STREAM.md).  Its
 * framing, the header, record headers and the end record (frame.c); the
 * payload of every other record type, each encoded and decoded in one
 * place (record.c); a segment's records from a descriptor
 * (segment-fd.c); a whole dump as records (dump-stream.c). */
#ifndef KDL_STREAM_H
#define KDL_STREAM_H

#include "output/output.h"

/* Description records are small; a larger one is corrupt input. */
#define KDL_STREAM_MAX_PAYLOAD (64u << 20)

kdl_ctx *kdl_reader_ctx(const kdl_reader *r);
kdl_ctx *kdl_writer_ctx(const kdl_writer *w);
/* "NAME: corrupt stream: ..." of class KDL_ERR_CORRUPT; returns -1. */
int kdl_reader_corrupt(kdl_reader *r, const char *fmt, ...) KDL_FMT(2, 3);
/* Memory that lasts until the next record, for what a record decodes to. */
void *kdl_reader_hold(kdl_reader *r, size_t size);
/* Exactly n bytes of the current payload. */
int kdl_reader_exact(kdl_reader *r, void *buf, size_t n);
/* Payload bytes from the reader's input straight to out: n of the
 * current record, fewer being a truncated stream. */
int kdl_reader_copy(kdl_reader *r, const struct kdl_copy_end *out, uint64_t n);
/* Payload bytes of the record being written, straight from in; *copied
 * is short only at the end of in. */
int kdl_writer_copy(kdl_writer *w, const struct kdl_copy_end *in, uint64_t n,
                    uint64_t *copied);

#endif
