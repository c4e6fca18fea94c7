import Foundation
import ProctorCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Runs an external program with `posix_spawn`, with a clean signal mask and default signal
/// handlers.
///
/// Foundation's `Process` on Linux starts children with almost every signal blocked,
/// SIGCHLD included; a child that relies on SIGCHLD to reap its own children (cmake through
/// libuv, when pip builds llama.cpp) then waits forever for a zombie. Hence this wrapper.
enum ChildProcess {
    /// Runs `arguments[0]` (looked up in PATH) and waits. Standard output goes to stderr (the
    /// user sees build progress without mixing it into a command's output) or is captured.
    /// - Returns: the exit status and, when `capture` is true, the standard output.
    static func run(
        _ arguments: [String], environment: [String: String]? = nil, capture: Bool = false
    ) throws -> (status: Int32, output: String) {
        precondition(!arguments.isEmpty)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var emptyMask = sigset_t()
        sigemptyset(&emptyMask)
        var allSignals = sigset_t()
        sigfillset(&allSignals)
        posix_spawnattr_setsigmask(&attributes, &emptyMask)
        posix_spawnattr_setsigdefault(&attributes, &allSignals)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        var pipeEnds: [Int32] = [-1, -1]
        if capture {
            guard pipe(&pipeEnds) == 0 else { throw ProctorError.runtimeInstallFailed("pipe() failed") }
            posix_spawn_file_actions_adddup2(&actions, pipeEnds[1], STDOUT_FILENO)
            posix_spawn_file_actions_addclose(&actions, pipeEnds[0])
            posix_spawn_file_actions_addclose(&actions, pipeEnds[1])
        } else {
            posix_spawn_file_actions_adddup2(&actions, STDERR_FILENO, STDOUT_FILENO)
        }

        let env = (environment ?? ProcessInfo.processInfo.environment).map { "\($0.key)=\($0.value)" }
        let argv = arguments.map { strdup($0) } + [nil]
        let envp = env.map { strdup($0) } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let spawned = posix_spawnp(&pid, arguments[0], &actions, &attributes, argv, envp)
        if capture { close(pipeEnds[1]) }
        guard spawned == 0 else {
            if capture { close(pipeEnds[0]) }
            throw ProctorError.runtimeInstallFailed(
                "cannot start \(arguments[0]): \(String(cString: strerror(spawned)))")
        }
        var output = Data()
        if capture {
            let reader = FileHandle(fileDescriptor: pipeEnds[0], closeOnDealloc: true)
            output = reader.readDataToEndOfFile()
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        let exitCode: Int32 = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return (exitCode, String(decoding: output, as: UTF8.self))
    }
}
