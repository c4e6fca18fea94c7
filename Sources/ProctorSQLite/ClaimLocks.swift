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
/// Runs in progress hold a shared lock there too, so a run left `running` by a killed process
/// shows as interrupted.
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
    /// Runs this store is working on, and how many times each was begun and not yet finished.
    private let runs = Mutex<[String: Int]>([:])

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

    // MARK: Runs in progress

    /// Marks the run as worked on by this process until `finishRun` (or the process's end): a
    /// shared lock on the run's byte, so any number of workers can hold it at once.
    func beginRun(_ id: String) throws {
        try runs.withLock { runs in
            if runs[id, default: 0] == 0 {
                guard try lock(Self.runKey(id), type: Int16(F_RDLCK)) else {
                    throw ProctorError.storeUnavailable(path, detail: "run \(id)'s lock is held exclusively")
                }
            }
            runs[id, default: 0] += 1
        }
    }

    func finishRun(_ id: String) {
        runs.withLock { runs in
            guard let count = runs[id] else { return }
            if count > 1 {
                runs[id] = count - 1
                return
            }
            runs[id] = nil
            _ = try? lock(Self.runKey(id), type: Int16(F_UNLCK))
        }
    }

    /// Whether some process (this one included) is working on the run now.
    func isRunActive(_ id: String) throws -> Bool {
        if runs.withLock({ $0[id] != nil }) { return true }
        var request = Self.request(Self.runKey(id), type: Int16(F_WRLCK))
        #if os(Linux)
            let command: Int32 = 36  // F_OFD_GETLK
        #else
            let command = F_GETLK
        #endif
        guard fcntl(descriptor, command, &request) == 0 else {
            throw ProctorError.storeUnavailable(
                path, detail: "cannot test a run's lock in \(path): \(String(cString: strerror(errno)))")
        }
        return request.l_type != Int16(F_UNLCK)
    }

    /// Run ids and request keys never meet: keys are hex digests.
    private static func runKey(_ id: String) -> String { "run " + id }

    // MARK: Locks

    private static func request(_ key: String, type: Int16) -> flock {
        var request = flock()
        request.l_type = type
        request.l_whence = Int16(SEEK_SET)
        request.l_start = off_t(offset(key))
        request.l_len = 1
        return request
    }

    /// Locks (or unlocks) the key's byte without waiting; false when another process holds it.
    private func lock(_ key: String, type: Int16) throws -> Bool {
        var request = Self.request(key, type: type)
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
