#ifndef H2RPC_CNGHTTP2_SHIM_H
#define H2RPC_CNGHTTP2_SHIM_H
#include <nghttp2/nghttp2.h>
#endif
