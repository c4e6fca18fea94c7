import Foundation
import ProctorCore
import ProctorTesting
import Testing

@testable import ProctorJudge

/// A scripted judge whose noise is known: it answers the answer's true quality plus Gaussian
/// noise drawn from the request's seed and prompt. Repeated judging must recover that noise.
@Suite("Judge noise")
struct JudgeNoiseTests {
    static func gaussian(_ rng: inout SplitMix64) -> Double {
        let u1 = max(Double(rng.next() >> 11) / Double(1 << 53), 1e-300)
        let u2 = Double(rng.next() >> 11) / Double(1 << 53)
        return (-2 * log(u1)).squareRoot() * cos(2 * .pi * u2)
    }

    @Test func repeatsRecoverTheJudgesVariance() async throws {
        let sigma = 0.8
        let models = ["alpha", "beta"]
        var answers: [String: [String: [String]]] = [:]
        var truth: [String: Double] = [:]
        var rng = SplitMix64(seed: 99)
        let questions = (0..<150).map { JudgeQuestion(id: "q\($0)", turns: ["Question \($0)?"]) }
        for model in models {
            for question in questions {
                // True qualities spread 4-7 (variance 0.75), far enough from 1 and 10 that noise is never clipped.
                let quality = 4 + 3 * Double(rng.next() >> 11) / Double(1 << 53)
                truth["\(model)/\(question.id)"] = quality
                answers[model, default: [:]][question.id] = [String(format: "%@ says quality=%.4f", model, quality)]
            }
        }
        let set = AnswerSet(questions: questions, models: models, answers: answers)
        let judge = ScriptedBackend(maxConcurrency: 4) { request, _ in
            let text = JudgeModeTests.allText(request)
            let answer = text.components(separatedBy: "quality=")[1].prefix { $0.isNumber || $0 == "." }
            var noise = SplitMix64(seed: (request.settings.seed ?? 0) &* 1_000_003 ^ fnv1a(text))
            let score = Double(answer)! + sigma * Self.gaussian(&noise)
            return String(format: "Rating: [[%.3f]]", score)
        }
        let config = JudgeConfig(temperature: 0.7, seed: 10)
        let runner = JudgeRunner(
            backend: judge, config: config, prompts: try config.promptSet(), logger: JudgeModeTests.logger)
        let results = await JudgeEvaluation(runner: runner, repeats: 3).run(set)
        #expect(judge.callCount == 150 * 2 * 3)
        // Distinct seeds per repeat.
        #expect(Set(judge.requests.compactMap(\.settings.seed)) == [10, 11, 12])
        let noise = try #require(ScoreAnalysis.noise(results))
        #expect(noise.items == 300 && noise.repeats == 3)
        // sigma^2 = 0.64 and the true-score variance is 0.75: both within 20%.
        #expect(abs(noise.withinVariance - sigma * sigma) < 0.2 * sigma * sigma, "within \(noise.withinVariance)")
        #expect(abs(noise.betweenVariance - 0.75) < 0.2 * 0.75, "between \(noise.betweenVariance)")
        let expectedShare = 0.64 / (0.64 + 0.75)
        #expect(abs(noise.noiseShare - expectedShare) < 0.08, "share \(noise.noiseShare)")
        // Each model's interval (over item means, noise included) covers its true mean.
        for score in ScoreAnalysis.modelScores(results) {
            let trueMean = questions.map { truth["\(score.model)/\($0.id)"]! }.reduce(0, +) / 150
            #expect(score.lower! <= trueMean && trueMean <= score.upper!, "\(score.model)")
        }
    }

    @Test func noNoiseWithoutRepeats() {
        #expect(NoiseReport.estimate([[1], [2]]) == nil)
        let exact = NoiseReport.estimate([[1, 1], [3, 3], [5, 5]])
        #expect(exact?.withinVariance == 0 && exact?.noiseShare == 0 && exact?.betweenVariance == 4)
    }
}
