import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// An OpenAI-compatible HTTP server on 127.0.0.1 (ephemeral port) that answers from a script:
/// each request takes the next `ScriptedResponse` step, and once the script runs out the
/// default responder answers. Every request is recorded with its exact body.
///
/// Live only inside `withServer`, which always shuts it down, connections included.
public final class ScriptedOpenAIServer: Sendable {
    /// The port the server listens on.
    public let port: Int
    private let core: ScriptCore

    private init(port: Int, core: ScriptCore) {
        self.port = port
        self.core = core
    }

    /// The API root to give a client, `http://127.0.0.1:PORT/v1`.
    public var baseURL: String { "http://127.0.0.1:\(port)/v1" }

    /// Every request received so far, in order of arrival.
    public var requests: [RecordedRequest] { core.state.withLock { $0.requests } }

    /// How many requests have been received.
    public var requestCount: Int { core.state.withLock { $0.requests.count } }

    /// Requests received but not yet answered (or dropped).
    public var inFlight: Int { core.state.withLock { $0.inFlight } }

    /// The most requests that were ever in flight at once.
    public var maxInFlight: Int { core.state.withLock { $0.maxInFlight } }

    /// Script steps not yet used.
    public var remainingSteps: Int { core.state.withLock { $0.script.count } }

    /// Appends steps to the script.
    public func enqueue(_ steps: [ScriptedResponse]) {
        core.state.withLock { $0.script.append(contentsOf: steps) }
    }

    /// Starts a server, runs `body` with it, and shuts it down however `body` ends.
    public static func withServer<T>(
        _ script: [ScriptedResponse] = [],
        defaultResponse: @escaping @Sendable (RecordedRequest) -> ScriptedResponse = ScriptedResponse.standard,
        _ body: (ScriptedOpenAIServer) async throws -> T
    ) async throws -> T {
        let core = ScriptCore(script: script, responder: defaultResponse)
        let listener = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                core.track(channel)
                return channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    try channel.pipeline.syncOperations.addHandler(ScriptedHandler(core: core))
                }
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
        guard let port = listener.localAddress?.port else {
            try? await listener.close()
            throw ScriptedServerError.noPort
        }
        let server = ScriptedOpenAIServer(port: port, core: core)
        let result: T
        do {
            result = try await body(server)
        } catch {
            await shutDown(listener, core: core)
            throw error
        }
        await shutDown(listener, core: core)
        return result
    }

    private static func shutDown(_ listener: any Channel, core: ScriptCore) async {
        try? await listener.close()
        for connection in core.openConnections() {
            try? await connection.close()
        }
    }
}

/// Why the scripted server could not start.
public enum ScriptedServerError: Error, Sendable {
    case noPort
}

/// The server's shared state: the script, the record and the open connections.
final class ScriptCore: Sendable {
    struct State {
        var script: [ScriptedResponse]
        var requests: [RecordedRequest] = []
        var inFlight = 0
        var maxInFlight = 0
        var connections: [ObjectIdentifier: any Channel] = [:]
    }

    let state: Mutex<State>
    private let responder: @Sendable (RecordedRequest) -> ScriptedResponse

    init(script: [ScriptedResponse], responder: @escaping @Sendable (RecordedRequest) -> ScriptedResponse) {
        state = Mutex(State(script: script))
        self.responder = responder
    }

    /// Records a complete request and picks the step that answers it.
    func begin(_ request: RecordedRequest) -> ScriptedResponse {
        let scripted = state.withLock { state -> ScriptedResponse? in
            state.requests.append(request)
            state.inFlight += 1
            state.maxInFlight = max(state.maxInFlight, state.inFlight)
            return state.script.isEmpty ? nil : state.script.removeFirst()
        }
        return scripted ?? responder(request)
    }

    /// Marks one request as answered; called before the answer is written, so a client can
    /// never see its answer while the request still counts as in flight.
    func finish() {
        state.withLock { $0.inFlight -= 1 }
    }

    func track(_ channel: any Channel) {
        let id = ObjectIdentifier(channel)
        state.withLock { $0.connections[id] = channel }
        channel.closeFuture.whenComplete { [weak self] _ in
            _ = self?.state.withLock { $0.connections.removeValue(forKey: id) }
        }
    }

    func openConnections() -> [any Channel] {
        state.withLock { Array($0.connections.values) }
    }
}
