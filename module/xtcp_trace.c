// SPDX-License-Identifier: GPL-2.0
/*
 * The tracepoints of xtcp_trace.h are instantiated here, once.
 */
#include "xtcp.h"

#define CREATE_TRACE_POINTS
#include "xtcp_trace.h"
