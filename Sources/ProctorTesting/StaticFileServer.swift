import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// A static-file HTTP server on 127.0.0.1 (ephemeral port) for download tests: `GET /path`
/// answers the bytes registered for that path with 200, anything else 404. Every requested
/// path is recorded in order.
///
/// Live only inside `withServer`, which always shuts it down, connections included.
public final class StaticFileServer: Sendable {
    /// The port the server listens on.
    public let port: Int
    private let core: StaticFileCore

    struct State {
        var files: [String: [UInt8]]
        var requestedPaths: [String] = []
        var connections: [ObjectIdentifier: any Channel] = [:]
    }

    private init(port: Int, core: StaticFileCore) {
        self.port = port
        self.core = core
    }

    /// `http://127.0.0.1:PORT`.
    public var baseURL: String { "http://127.0.0.1:\(port)" }

    /// Paths requested so far (without the query string), in order of arrival.
    public var requestedPaths: [String] { core.state.withLock { $0.requestedPaths } }

    /// Serves `contents` at `path` (which starts with `/`) from now on.
    public func setFile(_ path: String, _ contents: String) {
        core.state.withLock { $0.files[path] = Array(contents.utf8) }
    }

    /// Starts a server with `files` (path → body), runs `body`, and shuts it down however
    /// `body` ends.
    public static func withServer<T>(
        files: [String: String] = [:], _ body: (StaticFileServer) async throws -> T
    ) async throws -> T {
        let core = StaticFileCore(files: files.mapValues { Array($0.utf8) })
        let listener = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 64)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                core.track(channel)
                return channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    try channel.pipeline.syncOperations.addHandler(StaticFileHandler(core: core))
                }
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
        guard let port = listener.localAddress?.port else {
            try? await listener.close()
            throw ScriptedServerError.noPort
        }
        let server = StaticFileServer(port: port, core: core)
        let result: T
        do {
            result = try await body(server)
        } catch {
            await core.shutDown(listener)
            throw error
        }
        await core.shutDown(listener)
        return result
    }
}

/// The shared state behind a `StaticFileServer` and its handlers.
final class StaticFileCore: Sendable {
    let state: Mutex<StaticFileServer.State>

    init(files: [String: [UInt8]]) {
        state = Mutex(StaticFileServer.State(files: files))
    }

    func lookup(_ uri: String) -> [UInt8]? {
        let path = String(uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)[0])
        return state.withLock { state in
            state.requestedPaths.append(path)
            return state.files[path]
        }
    }

    func track(_ channel: any Channel) {
        let id = ObjectIdentifier(channel)
        state.withLock { $0.connections[id] = channel }
        channel.closeFuture.whenComplete { [weak self] _ in
            _ = self?.state.withLock { $0.connections.removeValue(forKey: id) }
        }
    }

    func shutDown(_ listener: any Channel) async {
        try? await listener.close()
        for connection in state.withLock({ Array($0.connections.values) }) {
            try? await connection.close()
        }
    }
}

/// Answers each complete GET with the registered file or 404, then closes the connection.
final class StaticFileHandler: ChannelInboundHandler, Sendable {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let core: StaticFileCore
    private let uri = Mutex<String?>(nil)

    init(core: StaticFileCore) { self.core = core }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            uri.withLock { $0 = head.uri }
        case .body:
            break
        case .end:
            let requested = uri.withLock { $0 } ?? "/"
            let body = core.lookup(requested)
            var headers = HTTPHeaders()
            headers.add(name: "Connection", value: "close")
            let bytes = body ?? Array("not found: \(requested)\n".utf8)
            headers.add(name: "Content-Length", value: String(bytes.count))
            headers.add(name: "Content-Type", value: body == nil ? "text/plain" : "application/octet-stream")
            let head = HTTPResponseHead(version: .http1_1, status: body == nil ? .notFound : .ok, headers: headers)
            context.write(wrapOutboundOut(.head(head)), promise: nil)
            context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(bytes: bytes)))), promise: nil)
            let channel = context.channel
            context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in channel.close(promise: nil) }
        }
    }
}
