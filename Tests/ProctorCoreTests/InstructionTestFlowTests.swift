import Foundation
import Logging
import ProctorCore
import ProctorTesting
import Testing

@Suite struct InstructionTestFlowTests {
    let items = (0..<8).map { InstructionItem(instruction: "Q\($0)?", output: "A\($0)", sourceIndex: 100 + $0) }
    let logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }

    @Test func scoresStayAlignedAndFailuresAreKept() async throws {
        let model = ScriptedBackend(name: "m", maxConcurrency: 3) { request, _ in
            let prompt = ScriptedBackend.lastUserText(request)
            if prompt.contains("Q3?") { throw ProctorError.httpStatus(500, url: "x", body: "boom") }
            return "answer to " + (prompt.components(separatedBy: "### Instruction:\n").last?.prefix(3) ?? "")
        }
        // The judge scores item k with 10*k, replies in prose for Q5, and never scores Q6.
        let judge = ScriptedBackend(name: "j", maxConcurrency: 4) { request, _ in
            let prompt = ScriptedBackend.lastUserText(request)
            guard let k = (0..<8).first(where: { prompt.contains("answer to Q\($0)?") }) else {
                if case .chat(let messages) = request.prompt, messages.last?.role == .assistant { return " none" }
                return "no score"
            }
            if k == 6 { return "I refuse to grade." }
            return k == 5 ? "The response deserves a score of \(10 * k)." : "\(10 * k)"
        }
        let test = InstructionTest(logger: logger)
        var evaluation = await test.generate(items: items, spec: "m", backend: model, progress: SilentProgress())
        evaluation = await test.judge(
            evaluation, with: ScoreJudge(backend: judge, maxReasks: 1), progress: SilentProgress())

        #expect(evaluation.entries.map(\.index) == Array(100..<108))
        #expect(evaluation.entries.map(\.instruction) == items.map(\.instruction))
        #expect(evaluation.entries[3].error?.contains("HTTP 500") == true)
        #expect(evaluation.entries[3].score == nil)
        #expect(evaluation.entries[5].score == 50 && evaluation.entries[5].parseStatus == .lenient)
        #expect(evaluation.entries[6].score == nil && evaluation.entries[6].parseStatus == .unparsed)
        #expect(evaluation.entries[6].judgeReplies?.count == 2)
        for k in [0, 1, 2, 4, 7] {
            #expect(evaluation.entries[k].score == 10 * k)
            #expect(evaluation.entries[k].parseStatus == .clean)
        }
        #expect(evaluation.scoredCount == 6)
        // Six scores: 0, 10, 20, 40, 50, 70.
        #expect(abs((evaluation.estimate?.mean ?? 0) - 190.0 / 6) < 1e-9)
        // One call per item for generation; the judge skips the failed item and re-asks once for Q6.
        #expect(model.callCount == 8)
        #expect(judge.callCount == 8)
    }

    @Test func rawStyleAddsAlpacaStops() async throws {
        let model = ScriptedBackend(name: "base", defaultPromptStyle: .raw) { _, _ in "x" }
        _ = await InstructionTest(logger: logger).generate(
            items: Array(items.prefix(1)), spec: "base", backend: model, progress: SilentProgress())
        let request = try #require(model.requests.first)
        #expect(request.settings.stop.contains("### Instruction"))
        guard case .text(let text) = request.prompt else {
            Issue.record("expected a raw prompt")
            return
        }
        #expect(text.hasSuffix("### Response:\n"))
    }

    @Test func annotatedFileRoundTripsWithNullScores() throws {
        var entry = AnnotatedEntry(item: items[0])
        entry.modelResponse = "A0"
        let evaluation = ModelEvaluation(
            model: "m", spec: "m", judge: "j", entries: [entry, AnnotatedEntry(item: items[1])])
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("proctor-\(UUID())").path
        let path = try EvaluationWriter.writeEntries(evaluation, directory: folder, slug: "m")
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.contains("\"score\" : null"))
        #expect(text.contains("\"model_response\" : \"A0\""))
        #expect(try EvaluationWriter.loadEntries(from: path) == evaluation.entries)
    }
}
