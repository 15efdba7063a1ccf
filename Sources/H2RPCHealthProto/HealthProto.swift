// grpc/health/v1/health.proto, compiled by the build plugin, for H2RPCReflection only: it imports
// this module internally, so the generated Grpc_Health_V1_* types never clash with a user's own.
