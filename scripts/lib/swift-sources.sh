# Sourced by scripts/test.sh and scripts/format.sh: prints the hand-written Swift files that
# swift-format checks, one a line. Generated code is left as its generator writes it:
# Sources/ProtoGen/Bootstrap and Sources/ProtoWellKnownTypes (scripts/regenerate-bootstrap.sh and
# regenerate-well-known-types.sh), Sources/ProtoGen/Resolve/WellKnownProtos.swift
# (scripts/embed-well-known-protos.py), every *.pb.swift (scripts/regenerate-bench-pb.sh and the
# build plugin), and the tests' snapshots and fixtures.
swift_sources() {
    find Sources Tests Plugins Examples Benchmarks/Sources -name '*.swift' \
        -not -path 'Sources/ProtoGen/Bootstrap/*' \
        -not -path 'Sources/ProtoWellKnownTypes/*' \
        -not -path 'Sources/ProtoGen/Resolve/WellKnownProtos.swift' \
        -not -path 'Tests/*/Snapshots/*' \
        -not -path 'Tests/*/Fixtures/*' \
        -not -name '*.pb.swift' \
        | LC_ALL=C sort
}
