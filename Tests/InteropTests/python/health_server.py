"""grpcio-health-checking's server (grpc_health.v1.health.HealthServicer) for our HealthClient.

Serves grpc.health.v1.Health, with "" SERVING and "echo.Echo" NOT_SERVING, plus
/h2rpc.test.HealthControl/Set: its request is a HealthCheckRequest whose service field reads
"NAME=STATUS" (STATUS a ServingStatus name); it sets NAME's status and answers an empty
HealthCheckResponse. Prints "port N", serves until stdin closes.
"""
import sys
from concurrent import futures

import grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc


def main():
    servicer = health.HealthServicer()
    servicer.set("", health_pb2.HealthCheckResponse.SERVING)
    servicer.set("echo.Echo", health_pb2.HealthCheckResponse.NOT_SERVING)

    def set_status(request, context):
        name, _, status = request.service.partition("=")
        servicer.set(name, health_pb2.HealthCheckResponse.ServingStatus.Value(status))
        return health_pb2.HealthCheckResponse()

    control = grpc.method_handlers_generic_handler("h2rpc.test.HealthControl", {
        "Set": grpc.unary_unary_rpc_method_handler(
            set_status, request_deserializer=health_pb2.HealthCheckRequest.FromString,
            response_serializer=health_pb2.HealthCheckResponse.SerializeToString),
    })
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=8))
    health_pb2_grpc.add_HealthServicer_to_server(servicer, server)
    server.add_generic_rpc_handlers((control,))
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    print(f"port {port}", flush=True)
    sys.stdin.read()
    servicer.enter_graceful_shutdown()
    server.stop(None)


if __name__ == "__main__":
    main()
