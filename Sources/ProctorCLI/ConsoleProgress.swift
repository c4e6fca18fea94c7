import Foundation
import ProctorCore
import Synchronization

/// Prints progress with rate and ETA to stderr: one rewritten line on a terminal, a line
/// every ten seconds (and at the end of a phase) otherwise, nothing with `--quiet`.
final class ConsoleProgress: ProgressSink {
    private let quiet: Bool
    private let isTerminal = Console.stderrIsTerminal
    private let lastPrint = Mutex<(phase: String, at: ContinuousClock.Instant)?>(nil)

    init(quiet: Bool) { self.quiet = quiet }

    func update(_ progress: ProgressSnapshot) {
        guard !quiet else { return }
        let now = ContinuousClock.now
        let finished = progress.done == progress.total
        let shouldPrint = lastPrint.withLock { last -> Bool in
            if isTerminal || finished || last == nil || last!.phase != progress.phase
                || last!.at.duration(to: now) > .seconds(10)
            {
                last = (progress.phase, now)
                return true
            }
            return false
        }
        guard shouldPrint else { return }
        var line = "\(progress.phase)  \(progress.done)/\(progress.total)  \(Int(progress.fraction * 100))%"
        if progress.tokens > 0 { line += String(format: "  %.1f tok/s", progress.tokensPerSecond) }
        if finished {
            line += "  done in \(Self.clock(progress.elapsed))"
        } else if let eta = progress.eta {
            line += "  ETA \(Self.clock(eta))"
        }
        if isTerminal {
            FileHandle.standardError.write(Data(("\r\u{1B}[K" + line + (finished ? "\n" : "")).utf8))
        } else {
            Console.error(line)
        }
    }

    static func clock(_ seconds: Double) -> String {
        let total = Int(seconds.rounded())
        return total >= 3600
            ? String(format: "%d:%02d:%02d", total / 3600, total / 60 % 60, total % 60)
            : String(format: "%d:%02d", total / 60, total % 60)
    }
}

/// A plain-text table with aligned columns.
struct TextTable {
    var headers: [String]
    var rows: [[String]] = []
    /// Columns aligned right (numbers).
    var rightAligned: Set<Int> = []

    func render() -> String {
        let widths = headers.indices.map { column in
            ([headers[column]] + rows.map { $0[column] }).map(\.count).max() ?? 0
        }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { column, cell in
                let pad = String(repeating: " ", count: widths[column] - cell.count)
                return rightAligned.contains(column) ? pad + cell : cell + pad
            }.joined(separator: "  ")
        }
        let rule = widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")
        return ([line(headers), rule] + rows.map(line)).joined(separator: "\n")
    }
}
