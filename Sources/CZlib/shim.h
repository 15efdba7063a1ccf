#ifndef H2RPC_CZLIB_SHIM_H
#define H2RPC_CZLIB_SHIM_H
#include <zlib.h>
#endif
