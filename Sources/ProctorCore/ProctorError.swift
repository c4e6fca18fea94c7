/// The error every Proctor library throws for bad input, missing pieces and failed calls.
///
/// Modelled on async-http-client's `HTTPClientError`: a private code, public static
/// constants to compare against, and context (file, line, field, HTTP status) to say where.
/// Two errors compare equal when their codes match, whatever their context.
public struct ProctorError: Error, Sendable, Equatable, CustomStringConvertible {
    private enum Code: String, Sendable {
        case fileNotFound
        case invalidJSON
        case missingField
        case invalidValue
        case unknownModelSpec
        case invalidModelFile
        case runtimeNotInstalled
        case runtimeInstallFailed
        case engineFailure
        case httpStatus
        case httpTransport
        case timeout
        case malformedResponse
        case invalidTemplate
        case invalidArgument
        case ioFailure
        case storeUnavailable
        case notAProctorStore
        case newerStoreSchema
        case runNotFound
        case nonConformingServer
    }

    private let code: Code
    /// A one-line human-readable explanation.
    public let message: String
    /// The file the problem is in, when there is one.
    public let file: String?
    /// The 1-based line in `file`, when known.
    public let line: Int?
    /// The field (JSON key, template placeholder, option) at fault, when known.
    public let field: String?
    /// The HTTP status a server answered with, for HTTP errors.
    public let httpStatus: Int?

    private init(
        _ code: Code, _ message: String, file: String? = nil, line: Int? = nil, field: String? = nil,
        httpStatus: Int? = nil
    ) {
        self.code = code
        self.message = message
        self.file = file
        self.line = line
        self.field = field
        self.httpStatus = httpStatus
    }

    public static func == (lhs: ProctorError, rhs: ProctorError) -> Bool { lhs.code == rhs.code }

    /// The full one-line description: location first, then the message.
    public var description: String {
        var location = ""
        if let file {
            location = file
            if let line { location += ":\(line)" }
            location += ": "
        }
        return location + message
    }

    /// Whether a retry of the same call could succeed (HTTP 429/5xx, timeouts, dropped connections).
    public var isTransient: Bool {
        switch code {
        case .timeout, .httpTransport: return true
        case .httpStatus: return httpStatus.map { $0 == 429 || $0 >= 500 } ?? false
        default: return false
        }
    }

    // MARK: Kinds to compare against (`error == .missingField`).
    public static let fileNotFound = ProctorError(.fileNotFound, "file not found")
    public static let invalidJSON = ProctorError(.invalidJSON, "invalid JSON")
    public static let missingField = ProctorError(.missingField, "missing field")
    public static let invalidValue = ProctorError(.invalidValue, "invalid value")
    public static let unknownModelSpec = ProctorError(.unknownModelSpec, "unknown model spec")
    public static let invalidModelFile = ProctorError(.invalidModelFile, "invalid model file")
    public static let runtimeNotInstalled = ProctorError(.runtimeNotInstalled, "runtime not installed")
    public static let runtimeInstallFailed = ProctorError(.runtimeInstallFailed, "runtime install failed")
    public static let engineFailure = ProctorError(.engineFailure, "engine failure")
    public static let httpStatus = ProctorError(.httpStatus, "HTTP error status")
    public static let httpTransport = ProctorError(.httpTransport, "HTTP transport error")
    public static let timeout = ProctorError(.timeout, "timed out")
    public static let malformedResponse = ProctorError(.malformedResponse, "malformed response")
    public static let invalidTemplate = ProctorError(.invalidTemplate, "invalid template")
    public static let invalidArgument = ProctorError(.invalidArgument, "invalid argument")
    public static let ioFailure = ProctorError(.ioFailure, "I/O failure")
    public static let storeUnavailable = ProctorError(.storeUnavailable, "store unavailable")
    public static let notAProctorStore = ProctorError(.notAProctorStore, "not a Proctor store")
    public static let newerStoreSchema = ProctorError(.newerStoreSchema, "newer store schema")
    public static let runNotFound = ProctorError(.runNotFound, "run not found")
    public static let nonConformingServer = ProctorError(.nonConformingServer, "server fails the logprob probe")

    // MARK: Constructors with context.
    public static func fileNotFound(_ path: String, what: String = "file") -> ProctorError {
        ProctorError(.fileNotFound, "\(what) not found", file: path)
    }

    public static func invalidJSON(file: String, line: Int?, detail: String) -> ProctorError {
        ProctorError(.invalidJSON, "invalid JSON: \(detail)", file: file, line: line)
    }

    public static func missingField(_ field: String, file: String, line: Int? = nil, index: Int? = nil) -> ProctorError
    {
        let entry = index.map { "entry \($0): " } ?? ""
        return ProctorError(.missingField, "\(entry)missing field '\(field)'", file: file, line: line, field: field)
    }

    public static func invalidValue(
        _ field: String, _ detail: String, file: String? = nil, line: Int? = nil, index: Int? = nil
    ) -> ProctorError {
        let entry = index.map { "entry \($0): " } ?? ""
        return ProctorError(.invalidValue, "\(entry)field '\(field)': \(detail)", file: file, line: line, field: field)
    }

    public static func unknownModelSpec(_ spec: String, hint: String) -> ProctorError {
        ProctorError(.unknownModelSpec, "unknown model spec '\(spec)': \(hint)", field: "model")
    }

    public static func invalidModelFile(_ path: String, detail: String) -> ProctorError {
        ProctorError(.invalidModelFile, "not a usable GGUF model: \(detail)", file: path)
    }

    public static func runtimeNotInstalled(_ detail: String) -> ProctorError {
        ProctorError(
            .runtimeNotInstalled,
            "the local llama.cpp runtime is not installed (\(detail)); run `proctor runtime install` "
                + "(or `make runtime`) first")
    }

    public static func runtimeInstallFailed(_ detail: String) -> ProctorError {
        ProctorError(.runtimeInstallFailed, "runtime install failed: \(detail)")
    }

    public static func engineFailure(_ detail: String) -> ProctorError {
        ProctorError(.engineFailure, "llama.cpp: \(detail)")
    }

    public static func httpStatus(_ status: Int, url: String, body: String) -> ProctorError {
        let snippet = body.count > 200 ? String(body.prefix(200)) + "…" : body
        return ProctorError(.httpStatus, "HTTP \(status) from \(url): \(snippet)", httpStatus: status)
    }

    public static func httpTransport(url: String, detail: String) -> ProctorError {
        ProctorError(.httpTransport, "connection to \(url) failed: \(detail)")
    }

    public static func timeout(url: String, seconds: Double) -> ProctorError {
        ProctorError(.timeout, "no answer from \(url) within \(seconds) s")
    }

    public static func malformedResponse(url: String, detail: String) -> ProctorError {
        ProctorError(.malformedResponse, "malformed response from \(url): \(detail)")
    }

    public static func invalidTemplate(_ detail: String, file: String? = nil, field: String? = nil) -> ProctorError {
        ProctorError(.invalidTemplate, "invalid template: \(detail)", file: file, field: field)
    }

    public static func invalidArgument(_ detail: String, field: String? = nil) -> ProctorError {
        ProctorError(.invalidArgument, detail, field: field)
    }

    public static func ioFailure(_ path: String, detail: String) -> ProctorError {
        ProctorError(.ioFailure, "cannot write: \(detail)", file: path)
    }

    public static func storeUnavailable(_ location: String, detail: String) -> ProctorError {
        ProctorError(.storeUnavailable, "cannot open the result store \(location): \(detail)")
    }

    public static func notAProctorStore(_ path: String, detail: String) -> ProctorError {
        ProctorError(.notAProctorStore, "not a Proctor result store (\(detail)); it was left untouched", file: path)
    }

    public static func newerStoreSchema(_ path: String, found: Int, known: Int) -> ProctorError {
        ProctorError(
            .newerStoreSchema,
            "the store has schema version \(found), this Proctor knows up to \(known); upgrade Proctor "
                + "(the store was left untouched)", file: path)
    }

    /// A server whose prompt log-probabilities cannot be trusted (the conformance probe failed).
    public static func nonConformingServer(url: String, detail: String) -> ProctorError {
        ProctorError(
            .nonConformingServer,
            "\(url) fails Proctor's prompt-logprob conformance probe, so its loglikelihoods "
                + "would be wrong; refusing to score with it: \(detail)")
    }

    public static func runNotFound(_ id: String, store: String) -> ProctorError {
        ProctorError(.runNotFound, "no run '\(id)' in \(store) (see `proctor runs`)", field: "run")
    }
}
