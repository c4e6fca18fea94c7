/// A source of evaluation items of one kind.
public protocol DatasetSource: Sendable {
    associatedtype Item: Sendable
    /// Where the items come from, for messages.
    var location: String { get }
    func load() throws -> [Item]
}

/// One Alpaca-format instruction example.
public struct InstructionItem: Sendable, Hashable, Codable {
    public var instruction: String
    public var input: String
    public var output: String
    /// Index in the source file (0-based), kept through splits so results map back.
    public var sourceIndex: Int

    public init(instruction: String, input: String = "", output: String, sourceIndex: Int = 0) {
        self.instruction = instruction
        self.input = input
        self.output = output
        self.sourceIndex = sourceIndex
    }
}
