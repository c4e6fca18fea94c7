/// One request the scripted server received, exactly as it arrived.
public struct RecordedRequest: Sendable {
    public var method: String
    /// The request target, e.g. `/v1/chat/completions`.
    public var path: String
    /// Header fields in arrival order, names as sent.
    public var headers: [(name: String, value: String)]
    /// The body bytes, unchanged.
    public var body: [UInt8]

    public init(method: String, path: String, headers: [(name: String, value: String)], body: [UInt8]) {
        self.method = method
        self.path = path
        self.headers = headers
        self.body = body
    }

    /// The body decoded as UTF-8.
    public var bodyString: String { String(decoding: body, as: UTF8.self) }

    /// The first value of a header, matched case-insensitively; nil when absent.
    public func header(_ name: String) -> String? {
        let wanted = name.lowercased()
        return headers.first { $0.name.lowercased() == wanted }?.value
    }

    /// Whether this is a raw-text completion call (`…/completions` but not `…/chat/completions`).
    public var isTextCompletion: Bool {
        let route = path.split(separator: "?").first.map(String.init) ?? path
        return route.hasSuffix("/completions") && !route.hasSuffix("/chat/completions")
    }

    /// Whether this asks for the model list (`…/models`).
    public var isModelList: Bool {
        (path.split(separator: "?").first.map(String.init) ?? path).hasSuffix("/models")
    }
}
