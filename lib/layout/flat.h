/* makedumpfile's flattened format (makedumpfile -F): struct
 * makedumpfile_header, 4096 bytes, then records of a struct
 * makedumpfile_data_header (a big-endian offset and size) and the bytes,
 * then an end marker of 16 bytes of 0xff. */
#ifndef KDL_LAYOUT_FLAT_H
#define KDL_LAYOUT_FLAT_H

#define FLAT_HEADER_SIZE 4096
#define FLAT_SIGNATURE "makedumpfile"
#define FLAT_SIGNATURE_LEN 16 /* NUL-padded */
#define FLAT_TYPE_OFF 16
#define FLAT_VERSION_OFF 24
#define FLAT_TYPE 1 /* TYPE_FLAT_HEADER */
#define FLAT_VERSION 1
#define FLAT_RECORD_HEADER 16
#define FLAT_R_OFFSET 0
#define FLAT_R_SIZE 8

#endif
