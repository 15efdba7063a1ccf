import Foundation
import Testing
@testable import RPCBenchCore
@testable import RPCBenchServer

@Suite struct MeasureTests {
    @Test func percentilesOfAKnownDistribution() {
        var h = LatencyHistogram()
        for us in 1...10_000 { h.record(nanoseconds: UInt64(us) * 1000) }
        #expect(h.count == 10_000)
        // HdrHistogram with 3 significant digits: within 0.1 %.
        #expect(abs(h.microseconds(atPercentile: 50)! - 5000) <= 5)
        #expect(abs(h.microseconds(atPercentile: 90)! - 9000) <= 9)
        #expect(abs(h.microseconds(atPercentile: 99)! - 9900) <= 10)
        #expect(abs(h.microseconds(atPercentile: 99.9)! - 9990) <= 10)
        #expect(LatencyHistogram().microseconds(atPercentile: 50) == nil)
    }

    @Test func mergedHistogramsCountBoth() {
        var a = LatencyHistogram(), b = LatencyHistogram()
        for _ in 0..<100 { a.record(nanoseconds: 10_000) }
        for _ in 0..<100 { b.record(nanoseconds: 30_000) }
        a.add(b)
        #expect(a.count == 200)
        #expect(abs(a.microseconds(atPercentile: 25)! - 10) < 0.1)
        #expect(abs(a.microseconds(atPercentile: 75)! - 30) < 0.1)
    }

    @Test func procStatWithAWickedCommandName() {
        // Field 2 may hold spaces and parentheses; utime (14) = 250, stime (15) = 50 ticks.
        let line =
            "1234 (a) b (c) S 1 1234 1234 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 3 0 1000 12345 300 18446744073709551615"
        let cpu = CPUTime.parseProcStat(line, ticksPerSecond: 100)
        #expect(cpu == CPUTime(userMicroseconds: 2_500_000, systemMicroseconds: 500_000))
        #expect(CPUTime.parseProcStat("garbage", ticksPerSecond: 100) == nil)
    }

    @Test func ownProcStatAgreesWithGetrusage() {
        // Burn some CPU so both sources have something to count.
        // (until this process has used 300 ms more CPU: wall time says nothing on a busy machine).
        var x: UInt64 = 1
        let target = CPUTime.ofSelf().totalMicroseconds + 300_000
        while CPUTime.ofSelf().totalMicroseconds < target {
            for _ in 0..<10_000 { x = x &* 6_364_136_223_846_793_005 &+ 1 }
        }
        #expect(x != 0)
        let proc = CPUTime.ofProcess(getpid())!
        let rusage = CPUTime.ofSelf()
        // /proc counts in clock ticks (10 ms); both are the kernel's accounting of the same threads.
        #expect(proc.totalMicroseconds > 200_000)
        #expect(abs(proc.totalMicroseconds - rusage.totalMicroseconds) < 100_000)
    }

    @Test func peakRSSFromStatus() {
        #expect(PeakMemory.parseStatus("Name:\tx\nVmPeak:\t  9000 kB\nVmHWM:\t    2048 kB\nVmRSS:\t 1024 kB\n") == 2)
        #expect(PeakMemory.parseStatus("Name:\tx\n") == nil)
        let own = PeakMemory.mebibytes(of: getpid())
        #expect(own != nil && own! > 1)
    }
}
