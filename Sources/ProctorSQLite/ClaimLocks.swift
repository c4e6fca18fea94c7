import Foundation
import ProctorCore
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Claims on request keys for an SQLite store: which owner in this process holds a key, and a
/// one-byte lock in a sidecar file (`<store>.claims`) so that other processes see the claim.
///
/// A claim costs two system calls and writes nothing to the database. The operating system
/// drops a dead process's locks, so a killed worker's claims vanish with it: no stale claims
/// to time out. On Linux the locks are open-file-description locks, so two stores opened on
/// one file in the same process also keep each other out, as two processes do.
final class ClaimLocks: Sendable {
    private let descriptor: Int32
    private let path: String
    /// Keys claimed through this store, and by which owner.
    private let holders = Mutex<[String: String]>([:])

    init(storePath: String) throws {
        path = storePath + ".claims"
        descriptor = open(path, O_CREAT | O_RDWR | O_CLOEXEC, 0o644)
        if descriptor < 0 {
            throw ProctorError.storeUnavailable(
                storePath, detail: "cannot open the claims file \(path): \(String(cString: strerror(errno)))")
        }
    }

    deinit { close(descriptor) }

    /// True when `owner` holds the key now (it may already have held it).
    func claim(key: String, owner: String) throws -> Bool {
        try holders.withLock { holders in
            if let holder = holders[key] {
                // Another owner in this process: yours only if its process is gone.
                if holder == owner { return true }
                guard !ClaimOwner.isAlive(holder) else { return false }
                holders[key] = owner
                return true
            }
            guard try lock(key, type: Int16(F_WRLCK)) else { return false }
            holders[key] = owner
            return true
        }
    }

    func release(key: String, owner: String) {
        holders.withLock { holders in
            guard holders[key] == owner else { return }
            holders[key] = nil
            _ = try? lock(key, type: Int16(F_UNLCK))
        }
    }

    /// Locks (or unlocks) the key's byte without waiting; false when another process holds it.
    private func lock(_ key: String, type: Int16) throws -> Bool {
        var request = flock()
        request.l_type = type
        request.l_whence = Int16(SEEK_SET)
        request.l_start = off_t(Self.offset(key))
        request.l_len = 1
        #if os(Linux)
            let command: Int32 = 37  // F_OFD_SETLK (<fcntl.h> defines it only under _GNU_SOURCE)
        #else
            let command = F_SETLK
        #endif
        if fcntl(descriptor, command, &request) == 0 { return true }
        if errno == EAGAIN || errno == EACCES { return false }
        throw ProctorError.storeUnavailable(
            path, detail: "cannot lock a claim in \(path): \(String(cString: strerror(errno)))")
    }

    /// FNV-1a over the key, in 62 bits: distinct keys share a byte with negligible chance (and
    /// then only wait for each other, never lose an answer).
    static func offset(_ key: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in key.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return hash & ((1 << 62) - 1)
    }
}
