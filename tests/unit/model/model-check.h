/* Shared by the tests of the model, tests/unit/model/<file>.c. */
#ifndef MODEL_CHECK_H
#define MODEL_CHECK_H

#include <fcntl.h>

#include "check.h"
#include "model/model.h"

/* The names an unknown register's message offers on x86_64, in table
 * order. */
#define X86_REGS "r15 r14 r13 r12 rbp rbx r11 r10 r9 r8 rax rcx rdx rsi rdi orig_rax rip cs eflags (rflags) rsp ss fs_base (fs.base) gs_base (gs.base) ds es fs gs"

/* Whether the library closed a descriptor it was given, or left it. */
static inline bool fd_is_open(int fd)
{
	return fcntl(fd, F_GETFD) >= 0;
}

#endif
