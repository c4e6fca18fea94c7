import Foundation
import ProctorCore

/// Picks the next token from logits: greedy at temperature 0, otherwise temperature,
/// top-k and top-p sampling from a seeded generator (the same seed gives the same text).
struct TokenSampler {
    let settings: GenerationSettings
    private var rng: SplitMix64

    init(settings: GenerationSettings) {
        self.settings = settings
        rng = SplitMix64(seed: settings.seed ?? UInt64.random(in: .min ... .max))
    }

    mutating func sample(_ logits: UnsafeBufferPointer<Float>) -> Int32 {
        if settings.isGreedy { return Self.argmax(logits) }
        var candidates = (0..<logits.count).map { (token: Int32($0), logit: logits[$0]) }
        candidates.sort { $0.logit > $1.logit }
        if settings.topK > 0 && settings.topK < candidates.count {
            candidates.removeSubrange(settings.topK...)
        }
        let temperature = Float(settings.temperature)
        let maxLogit = candidates[0].logit
        var weights = candidates.map { Double(expf(($0.logit - maxLogit) / temperature)) }
        let total = weights.reduce(0, +)
        weights = weights.map { $0 / total }
        var keep = weights.count
        if settings.topP < 1 {
            var cumulative = 0.0
            for (index, weight) in weights.enumerated() {
                cumulative += weight
                if cumulative >= settings.topP {
                    keep = index + 1
                    break
                }
            }
        }
        let kept = weights.prefix(keep)
        let target = rng.nextUnit() * kept.reduce(0, +)
        var cumulative = 0.0
        for (index, weight) in kept.enumerated() {
            cumulative += weight
            if cumulative > target { return candidates[index].token }
        }
        return candidates[keep - 1].token
    }

    static func argmax(_ logits: UnsafeBufferPointer<Float>) -> Int32 {
        var best = 0
        var bestValue = -Float.infinity
        for index in 0..<logits.count where logits[index] > bestValue {
            bestValue = logits[index]
            best = index
        }
        return Int32(best)
    }
}
