import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Who holds a claim on a request: "host:pid". Shared by every `ResultStore`.
public enum ClaimOwner {
    /// This process.
    public static var current: String {
        "\(ProcessInfo.processInfo.hostName):\(ProcessInfo.processInfo.processIdentifier)"
    }

    /// False only for an owner on this host whose process no longer exists: its claim can be
    /// taken over at once. Owners on other hosts are presumed alive until their claim times out.
    public static func isAlive(_ owner: String) -> Bool {
        let parts = owner.split(separator: ":")
        guard parts.count == 2, String(parts[0]) == ProcessInfo.processInfo.hostName, let pid = Int32(parts[1]) else {
            return true
        }
        return kill(pid, 0) == 0 || errno == EPERM
    }
}
