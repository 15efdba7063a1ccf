"""Rich errors (google.rpc.Status in grpc-status-details-bin) with Python grpcio-status.

  rich_errors_peer.py server
      Serves /richerrors.Test/Fail, which aborts with rpc_status.to_status() of a
      google.rpc.Status (FAILED_PRECONDITION, a non-ASCII message, PreconditionFailure, RetryInfo,
      LocalizedMessage details) and /richerrors.Test/Plain (INVALID_ARGUMENT, no details).
      Prints "port N", serves until stdin closes.
  rich_errors_peer.py client --port P
      Calls P's /richerrors.Test/Fail and checks with rpc_status.from_call() that the status is
      INVALID_ARGUMENT "name is empty: ça ne va pas" with details BadRequest(field "name",
      description "must not be empty") and ErrorInfo(reason "EMPTY_NAME", domain "h2rpc.test",
      metadata {"field": "name"}). Prints "rich error OK" and exits 0, else prints what differs, exits 1.
Request and response bodies are raw bytes: the methods ignore the request.
"""
import argparse
import sys
from concurrent import futures

import grpc
from google.protobuf import any_pb2, duration_pb2
from google.rpc import code_pb2, error_details_pb2, status_pb2
from grpc_status import rpc_status

SERVER_MESSAGE = "tos not accepted: café ✓"


def packed(message):
    a = any_pb2.Any()
    a.Pack(message)
    return a


def server_status():
    failure = error_details_pb2.PreconditionFailure(
        violations=[error_details_pb2.PreconditionFailure.Violation(
            type="TOS", subject="example.com/tos", description="not accepted")])
    retry = error_details_pb2.RetryInfo(retry_delay=duration_pb2.Duration(seconds=2, nanos=500000000))
    localized = error_details_pb2.LocalizedMessage(locale="fr-CH", message="conditions non acceptées")
    return status_pb2.Status(code=code_pb2.FAILED_PRECONDITION, message=SERVER_MESSAGE,
                             details=[packed(failure), packed(retry), packed(localized)])


def serve():
    def fail(request, context):
        context.abort_with_status(rpc_status.to_status(server_status()))

    def plain(request, context):
        context.abort(grpc.StatusCode.INVALID_ARGUMENT, "plain")

    identity = dict(request_deserializer=None, response_serializer=None)
    handler = grpc.method_handlers_generic_handler("richerrors.Test", {
        "Fail": grpc.unary_unary_rpc_method_handler(fail, **identity),
        "Plain": grpc.unary_unary_rpc_method_handler(plain, **identity),
    })
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
    server.add_generic_rpc_handlers((handler,))
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    print(f"port {port}", flush=True)
    sys.stdin.read()
    server.stop(None)


def check_client(port):
    failures = []
    with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
        call = channel.unary_unary("/richerrors.Test/Fail")
        try:
            call(b"", timeout=10)
            failures.append("the call succeeded")
        except grpc.RpcError as error:
            status = rpc_status.from_call(error)  # raises ValueError when code or message disagree
            if status is None:
                failures.append(f"no grpc-status-details-bin ({error.code()}: {error.details()})")
            else:
                if status.code != code_pb2.INVALID_ARGUMENT:
                    failures.append(f"code {status.code}")
                if status.message != "name is empty: ça ne va pas":
                    failures.append(f"message {status.message!r}")
                names = [d.TypeName() for d in status.details]
                if names != ["google.rpc.BadRequest", "google.rpc.ErrorInfo"]:
                    failures.append(f"detail types {names}")
                else:
                    bad = error_details_pb2.BadRequest()
                    status.details[0].Unpack(bad)
                    info = error_details_pb2.ErrorInfo()
                    status.details[1].Unpack(info)
                    if [(v.field, v.description) for v in bad.field_violations] != [("name", "must not be empty")]:
                        failures.append(f"BadRequest {bad}")
                    if (info.reason, info.domain, dict(info.metadata)) != ("EMPTY_NAME", "h2rpc.test", {"field": "name"}):
                        failures.append(f"ErrorInfo {info}")
    if failures:
        print("rich error FAILED: " + "; ".join(failures), flush=True)
        return 1
    print("rich error OK", flush=True)
    return 0


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=["server", "client"])
    parser.add_argument("--port", type=int)
    args = parser.parse_args()
    if args.mode == "server":
        serve()
        return 0
    return check_client(args.port)


if __name__ == "__main__":
    sys.exit(main())
