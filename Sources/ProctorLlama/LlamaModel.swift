import Foundation
import ProctorCore

/// A GGUF model loaded by llama.cpp. Read-only after loading; tokenization and template
/// rendering are safe from any thread.
public final class LlamaModel: @unchecked Sendable {
    let library: LlamaLibrary
    let handle: LlamaLibrary.Handle
    public let path: String
    public let vocabularySize: Int
    public let trainingContextLength: Int
    public let bosToken: Int32
    public let eosToken: Int32
    public let addsBOS: Bool
    /// The Jinja chat template stored in the GGUF, if any.
    public let chatTemplate: String?
    /// llama.cpp's one-line description (architecture, size, quantisation).
    public let summary: String

    /// Loads a GGUF file; checks that it exists and starts with the GGUF magic first, so a
    /// wrong path or a wrong file gets a clear error rather than a llama.cpp log line.
    public init(path: String, runtime: LlamaRuntime) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else {
            throw ProctorError.fileNotFound(path, what: "GGUF model file")
        }
        guard let file = FileHandle(forReadingAtPath: path) else {
            throw ProctorError.invalidModelFile(path, detail: "cannot open the file")
        }
        let magic = (try? file.read(upToCount: 4)) ?? Data()
        try? file.close()
        guard magic == Data("GGUF".utf8) else {
            throw ProctorError.invalidModelFile(path, detail: "the file does not start with the GGUF magic bytes")
        }
        let library = try LlamaLibrary.load(runtime: runtime)
        self.library = library
        guard let handle = path.withCString({ library.modelLoad($0, 0) }) else {
            throw ProctorError.invalidModelFile(path, detail: "llama.cpp could not load it (corrupt or unsupported)")
        }
        self.handle = handle
        self.path = path
        vocabularySize = Int(library.nVocab(handle))
        trainingContextLength = Int(library.nCtxTrain(handle))
        bosToken = library.tokenBOS(handle)
        eosToken = library.tokenEOS(handle)
        addsBOS = library.addBOS(handle) != 0
        chatTemplate = library.chatTemplate(handle).map { String(cString: $0) }
        var buffer = [CChar](repeating: 0, count: 256)
        let count = library.modelDesc(handle, &buffer, Int32(buffer.count))
        summary =
            count > 0 ? String(decoding: buffer.prefix(Int(count)).map { UInt8(bitPattern: $0) }, as: UTF8.self) : ""
    }

    deinit { library.modelFree(handle) }

    /// A metadata value from the GGUF header, such as `general.name`.
    public func metadata(_ key: String) -> String? {
        var buffer = [CChar](repeating: 0, count: 512)
        let count = key.withCString { library.modelMeta(handle, $0, &buffer, Int32(buffer.count)) }
        guard count >= 0 else { return nil }
        return String(
            decoding: buffer.prefix(min(Int(count), buffer.count)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Token ids of `text`. `addSpecial` adds BOS when the model wants it; `parseSpecial`
    /// turns special-token text (such as `<|im_start|>`) into its token.
    public func tokenize(_ text: String, addSpecial: Bool, parseSpecial: Bool) throws -> [Int32] {
        let utf8 = Array(text.utf8)
        var capacity = utf8.count + 8
        while true {
            var tokens = [Int32](repeating: 0, count: capacity)
            let count = utf8.withUnsafeBufferPointer { bytes in
                bytes.baseAddress!.withMemoryRebound(to: CChar.self, capacity: max(bytes.count, 1)) { pointer in
                    library.tokenize(
                        handle, pointer, Int32(bytes.count), &tokens, Int32(capacity), addSpecial ? 1 : 0,
                        parseSpecial ? 1 : 0)
                }
            }
            if count >= 0 { return Array(tokens.prefix(Int(count))) }
            guard count != Int32.min else { throw ProctorError.engineFailure("tokenization overflow") }
            capacity = Int(-count)
        }
    }

    /// The bytes a token stands for (may be part of a UTF-8 character).
    public func pieceBytes(_ token: Int32, special: Bool = false) -> [UInt8] {
        var buffer = [CChar](repeating: 0, count: 64)
        var count = library.tokenToPiece(handle, token, &buffer, Int32(buffer.count), special ? 1 : 0)
        if count < 0 {
            buffer = [CChar](repeating: 0, count: Int(-count))
            count = library.tokenToPiece(handle, token, &buffer, Int32(buffer.count), special ? 1 : 0)
        }
        return buffer.prefix(max(Int(count), 0)).map { UInt8(bitPattern: $0) }
    }

    public func detokenize(_ tokens: [Int32]) -> String {
        String(decoding: tokens.flatMap { pieceBytes($0) }, as: UTF8.self)
    }

    public func isEndOfGeneration(_ token: Int32) -> Bool { library.isEOG(handle, token) != 0 }

    /// Renders a conversation with the model's own chat template (llama.cpp's built-in
    /// implementation of the template found in the GGUF), ending with the assistant's turn.
    public func applyChatTemplate(_ messages: [ChatMessage], addAssistant: Bool = true) throws -> String {
        guard let template = chatTemplate else {
            throw ProctorError.engineFailure("\(path) has no chat template; use the raw prompt style")
        }
        let roles = messages.map { strdup($0.role.rawValue) }
        let contents = messages.map { strdup($0.content) }
        defer {
            roles.forEach { free($0) }
            contents.forEach { free($0) }
        }
        let rolePointers = roles.map { UnsafePointer<CChar>($0) }
        let contentPointers = contents.map { UnsafePointer<CChar>($0) }
        var capacity = messages.reduce(256) { $0 + $1.content.utf8.count * 2 }
        while true {
            var buffer = [CChar](repeating: 0, count: capacity)
            let count = template.withCString { tmpl in
                library.applyTemplate(
                    tmpl, rolePointers, contentPointers, Int32(messages.count), addAssistant ? 1 : 0, &buffer,
                    Int32(capacity))
            }
            guard count >= 0 else {
                throw ProctorError.engineFailure("llama.cpp does not support this model's chat template")
            }
            if Int(count) <= capacity {
                return String(decoding: buffer.prefix(Int(count)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
            }
            capacity = Int(count) + 1
        }
    }
}
