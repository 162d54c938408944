/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Mock tracepoints: as a kernel built without CONFIG_TRACEPOINTS, every
 * trace_NAME() is an empty inline and trace_NAME_enabled() is false
 * (include/linux/tracepoint.h); the event bodies are never expanded.
 */
#ifndef _MOCK_LINUX_TRACEPOINT_H
#define _MOCK_LINUX_TRACEPOINT_H

#include <linux/kernel.h>

#define PARAMS(args...) args
#define TP_PROTO(args...) args
#define TP_ARGS(args...) args

#define DECLARE_TRACE(name, proto, args)				\
	static inline void trace_##name(proto)				\
	{								\
	}								\
	static inline bool trace_##name##_enabled(void)			\
	{								\
		return false;						\
	}

#define TRACE_EVENT(name, proto, args, tstruct, assign, print)		\
	DECLARE_TRACE(name, PARAMS(proto), PARAMS(args))
#define DECLARE_EVENT_CLASS(name, proto, args, tstruct, assign, print)
#define TRACE_DEFINE_ENUM(a)
#define DEFINE_EVENT(template, name, proto, args)			\
	DECLARE_TRACE(name, PARAMS(proto), PARAMS(args))

#endif
