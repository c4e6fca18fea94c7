import Foundation
import ProctorCore
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The shim's functions, resolved once with `dlopen`/`dlsym`.
///
/// Loading at run time keeps `swift build` independent of llama.cpp: a machine without the
/// runtime builds and runs everything else, and only using a local model asks for it.
final class LlamaLibrary: @unchecked Sendable {
    typealias Handle = UnsafeMutableRawPointer

    let abiVersion: @convention(c) () -> Int32
    let backendInit: @convention(c) (Int32) -> Void
    let modelLoad: @convention(c) (UnsafePointer<CChar>, Int32) -> Handle?
    let modelFree: @convention(c) (Handle) -> Void
    let nVocab: @convention(c) (Handle) -> Int32
    let nCtxTrain: @convention(c) (Handle) -> Int32
    let tokenBOS: @convention(c) (Handle) -> Int32
    let tokenEOS: @convention(c) (Handle) -> Int32
    let addBOS: @convention(c) (Handle) -> Int32
    let isEOG: @convention(c) (Handle, Int32) -> Int32
    let nParams: @convention(c) (Handle) -> UInt64
    let modelDesc: @convention(c) (Handle, UnsafeMutablePointer<CChar>, Int32) -> Int32
    let modelMeta: @convention(c) (Handle, UnsafePointer<CChar>, UnsafeMutablePointer<CChar>, Int32) -> Int32
    let chatTemplate: @convention(c) (Handle) -> UnsafePointer<CChar>?
    let applyTemplate:
        @convention(c) (
            UnsafePointer<CChar>?, UnsafePointer<UnsafePointer<CChar>?>, UnsafePointer<UnsafePointer<CChar>?>, Int32,
            Int32, UnsafeMutablePointer<CChar>?, Int32
        ) -> Int32
    let tokenize:
        @convention(c) (Handle, UnsafePointer<CChar>, Int32, UnsafeMutablePointer<Int32>?, Int32, Int32, Int32) ->
            Int32
    let tokenToPiece: @convention(c) (Handle, Int32, UnsafeMutablePointer<CChar>, Int32, Int32) -> Int32
    let contextNew: @convention(c) (Handle, Int32, Int32, Int32, Int32, Int32, Int32, Int32) -> Handle?
    let contextFree: @convention(c) (Handle) -> Void
    let threadpoolNew: @convention(c) (Int32, Int32) -> Handle?
    let threadpoolFree: @convention(c) (Handle) -> Void
    let attachThreadpool: @convention(c) (Handle, Handle) -> Void
    let nCtx: @convention(c) (Handle) -> Int32
    let nBatch: @convention(c) (Handle) -> Int32
    let decode:
        @convention(c) (
            Handle, UnsafePointer<Int32>, UnsafePointer<Int32>, UnsafePointer<UInt64>, UnsafePointer<Int8>, Int32
        ) -> Int32
    let logitsIth: @convention(c) (Handle, Int32) -> UnsafeMutablePointer<Float>?
    let memoryClear: @convention(c) (Handle) -> Void
    let memorySeqRm: @convention(c) (Handle, Int32, Int32, Int32) -> Int32
    let memorySeqCp: @convention(c) (Handle, Int32, Int32, Int32, Int32) -> Void
    let memorySeqPosMax: @convention(c) (Handle, Int32) -> Int32

    private init(path: String, quiet: Bool) throws {
        guard let handle = dlopen(path, RTLD_NOW | RTLD_LOCAL) else {
            let reason = dlerror().map { String(cString: $0) } ?? "unknown error"
            throw ProctorError.runtimeNotInstalled("cannot load \(path): \(reason)")
        }
        func symbol<T>(_ name: String, as type: T.Type) throws -> T {
            guard let pointer = dlsym(handle, name) else {
                throw ProctorError.runtimeNotInstalled("\(path) lacks \(name); reinstall the runtime")
            }
            return unsafeBitCast(pointer, to: type)
        }
        abiVersion = try symbol("pl_abi_version", as: (@convention(c) () -> Int32).self)
        guard abiVersion() == LlamaShimSource.abiVersion else {
            throw ProctorError.runtimeNotInstalled(
                "the installed shim has ABI \(abiVersion()), this Proctor needs \(LlamaShimSource.abiVersion)")
        }
        backendInit = try symbol("pl_backend_init", as: type(of: backendInit))
        modelLoad = try symbol("pl_model_load", as: type(of: modelLoad))
        modelFree = try symbol("pl_model_free", as: type(of: modelFree))
        nVocab = try symbol("pl_n_vocab", as: type(of: nVocab))
        nCtxTrain = try symbol("pl_n_ctx_train", as: type(of: nCtxTrain))
        tokenBOS = try symbol("pl_token_bos", as: type(of: tokenBOS))
        tokenEOS = try symbol("pl_token_eos", as: type(of: tokenEOS))
        addBOS = try symbol("pl_add_bos", as: type(of: addBOS))
        isEOG = try symbol("pl_is_eog", as: type(of: isEOG))
        nParams = try symbol("pl_n_params", as: type(of: nParams))
        modelDesc = try symbol("pl_model_desc", as: type(of: modelDesc))
        modelMeta = try symbol("pl_model_meta", as: type(of: modelMeta))
        chatTemplate = try symbol("pl_chat_template", as: type(of: chatTemplate))
        applyTemplate = try symbol("pl_apply_template", as: type(of: applyTemplate))
        tokenize = try symbol("pl_tokenize", as: type(of: tokenize))
        tokenToPiece = try symbol("pl_token_to_piece", as: type(of: tokenToPiece))
        contextNew = try symbol("pl_context_new", as: type(of: contextNew))
        contextFree = try symbol("pl_context_free", as: type(of: contextFree))
        threadpoolNew = try symbol("pl_threadpool_new", as: type(of: threadpoolNew))
        threadpoolFree = try symbol("pl_threadpool_free", as: type(of: threadpoolFree))
        attachThreadpool = try symbol("pl_attach_threadpool", as: type(of: attachThreadpool))
        nCtx = try symbol("pl_n_ctx", as: type(of: nCtx))
        nBatch = try symbol("pl_n_batch", as: type(of: nBatch))
        decode = try symbol("pl_decode", as: type(of: decode))
        logitsIth = try symbol("pl_logits_ith", as: type(of: logitsIth))
        memoryClear = try symbol("pl_memory_clear", as: type(of: memoryClear))
        memorySeqRm = try symbol("pl_memory_seq_rm", as: type(of: memorySeqRm))
        memorySeqCp = try symbol("pl_memory_seq_cp", as: type(of: memorySeqCp))
        memorySeqPosMax = try symbol("pl_memory_seq_pos_max", as: type(of: memorySeqPosMax))
        backendInit(quiet ? 1 : 0)
    }

    private static let shared = Mutex<Result<LlamaLibrary, ProctorError>?>(nil)

    /// Loads the shim of the installed runtime once per process.
    static func load(runtime: LlamaRuntime) throws -> LlamaLibrary {
        try shared.withLock { cached in
            if let cached { return try cached.get() }
            let result: Result<LlamaLibrary, ProctorError>
            do {
                let paths = try runtime.requireInstalled()
                let quiet = ProcessInfo.processInfo.environment["PROCTOR_LLAMA_VERBOSE"] == nil
                result = .success(try LlamaLibrary(path: paths.shimLibrary, quiet: quiet))
            } catch let error as ProctorError {
                result = .failure(error)
            }
            cached = result
            return try result.get()
        }
    }
}
