import Crypto
import Foundation

/// What makes two models the same for the cache: for a local GGUF the SHA-256 of the file
/// plus the engine settings that can change its outputs; for an HTTP model the endpoint,
/// the model name and what the server reports. Never an API key.
public struct ModelIdentity: Sendable, Hashable, Codable {
    public var kind: String
    public var name: String
    /// SHA-256 of the model file (local models); empty for HTTP models.
    public var digest: String
    /// Base URL (HTTP models).
    public var endpoint: String?
    /// Settings that can change outputs (engine version, batch size, server fingerprint).
    public var settings: [String: String]

    public init(
        kind: String, name: String, digest: String = "", endpoint: String? = nil, settings: [String: String] = [:]
    ) {
        self.kind = kind
        self.name = name
        self.digest = digest
        self.endpoint = endpoint
        self.settings = settings
    }

    /// A canonical text form; equal identities give equal text. A model with a file digest is
    /// known by its content: the same file under another name is the same model.
    public var canonical: String {
        let pairs = settings.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ";")
        let label = digest.isEmpty ? name : ""
        return "\(kind)|\(label)|\(digest)|\(endpoint ?? "")|\(pairs)"
    }
}

/// Cache keys for requests.
public enum RequestFingerprint {
    /// Whether an answer to this request may be served again: greedy decoding, or sampling
    /// with a fixed seed. Unseeded sampling is never reused.
    public static func isReusable(_ request: GenerationRequest) -> Bool {
        request.settings.isGreedy || request.settings.seed != nil
    }

    /// SHA-256 (hex) of the model identity and the full request in canonical JSON.
    public static func key(identity: ModelIdentity, request: GenerationRequest) -> String {
        key(identity: identity, requestJSON: (try? CanonicalJSON.encode(request)) ?? "")
    }

    /// The same key from the request's canonical JSON (`CanonicalJSON.encode`), for callers
    /// that keep the JSON to store it.
    public static func key(identity: ModelIdentity, requestJSON: String) -> String {
        key(identityCanonical: identity.canonical, requestJSON: requestJSON)
    }

    /// The same key from `identity.canonical`, for callers that make many keys for one model.
    public static func key(identityCanonical: String, requestJSON: String) -> String {
        var hasher = SHA256()
        var identity = identityCanonical
        identity.withUTF8 { hasher.update(bufferPointer: UnsafeRawBufferPointer($0)) }
        hasher.update(data: [UInt8(0)])
        var request = requestJSON
        request.withUTF8 { hasher.update(bufferPointer: UnsafeRawBufferPointer($0)) }
        return hex(hasher.finalize())
    }

    public static func sha256Hex(_ data: Data) -> String { hex(SHA256.hash(data: data)) }

    private static let digits = Array("0123456789abcdef".utf8)

    static func hex<Bytes: Sequence<UInt8>>(_ bytes: Bytes) -> String {
        var text: [UInt8] = []
        text.reserveCapacity(64)
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 15)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// SHA-256 (hex) of a file, read in 4 MiB blocks.
    public static func fileDigest(path: String) throws -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw ProctorError.fileNotFound(path) }
        defer { try? handle.close() }
        var hasher = SHA256()
        while let block = try handle.read(upToCount: 4 << 20), !block.isEmpty { hasher.update(data: block) }
        return hex(hasher.finalize())
    }
}
