#if canImport(Glibc)
    import Glibc
#endif

/// Ends a server that was started as a child when its parent goes away for any reason (SIGKILL
/// included): the kernel then re-parents it, and `getppid()` changes.
public enum ParentWatch {
    public static func start() {
        let parent = getppid()
        Task.detached {
            while getppid() == parent {
                try? await Task.sleep(for: .milliseconds(200))
            }
            exit(0)
        }
    }
}
