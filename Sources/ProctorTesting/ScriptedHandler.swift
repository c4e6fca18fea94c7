import NIOCore
import NIOHTTP1

/// Collects each HTTP request on one connection, records it, and answers with the script's
/// next step. Runs on the connection's event loop only.
final class ScriptedHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let core: ScriptCore
    private var head: HTTPRequestHead?
    private var body: [UInt8] = []
    private var isActive = true

    init(core: ScriptCore) {
        self.core = core
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let requestHead):
            head = requestHead
            body = []
        case .body(let buffer):
            body.append(contentsOf: buffer.readableBytesView)
        case .end:
            guard let requestHead = head else { return }
            head = nil
            let request = RecordedRequest(
                method: requestHead.method.rawValue, path: requestHead.uri,
                headers: requestHead.headers.map { (name: $0.name, value: $0.value) }, body: body)
            body = []
            let step = core.begin(request)
            answer(step, to: request, keepAlive: requestHead.isKeepAlive, context: context)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        isActive = false
        context.fireChannelInactive()
    }

    private func answer(
        _ step: ScriptedResponse, to request: RecordedRequest, keepAlive: Bool, context: ChannelHandlerContext
    ) {
        switch step {
        case .delay(let seconds, let next):
            let wait = TimeAmount.nanoseconds(Int64((max(0, seconds) * 1e9).rounded()))
            context.eventLoop.assumeIsolated().scheduleTask(in: wait) {
                self.answer(next, to: request, keepAlive: keepAlive, context: context)
            }
        case .dropConnection:
            core.finish()
            if isActive { context.close(promise: nil) }
        case .malformed:
            write(
                status: 200, body: "<html><body>this is not JSON</body></html>", headers: [], keepAlive: keepAlive,
                context: context)
        case .json(let status, let body, let headers):
            write(status: status, body: body, headers: headers, keepAlive: keepAlive, context: context)
        case .chat(let text, let promptTokens, let completionTokens, let finishReason):
            let body = ScriptedBodies.completion(
                for: request, text: text, promptTokens: promptTokens, completionTokens: completionTokens,
                finishReason: finishReason)
            write(status: 200, body: body, headers: [], keepAlive: keepAlive, context: context)
        }
    }

    private func write(
        status: Int, body: String, headers extra: [(String, String)], keepAlive: Bool,
        context: ChannelHandlerContext
    ) {
        core.finish()
        guard isActive else { return }
        let bytes = Array(body.utf8)
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "application/json")
        for (name, value) in extra { headers.replaceOrAdd(name: name, value: value) }
        headers.replaceOrAdd(name: "Content-Length", value: "\(bytes.count)")
        if !keepAlive { headers.replaceOrAdd(name: "Connection", value: "close") }
        let head = HTTPResponseHead(
            version: .http1_1, status: HTTPResponseStatus(statusCode: status), headers: headers)
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: bytes)))), promise: nil)
        let done = context.writeAndFlush(wrapOutboundOut(.end(nil)))
        if !keepAlive {
            done.assumeIsolated().whenComplete { _ in context.close(promise: nil) }
        }
    }
}
