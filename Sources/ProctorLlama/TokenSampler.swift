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
        let inverseTemperature = 1 / Float(settings.temperature)
        let maxLogit = logits[Int(Self.argmax(logits))]
        if settings.topK <= 0 && settings.topP >= 1 {
            // Plain temperature sampling: one pass for the total, one for the draw; no sort.
            var total: Double = 0
            for index in 0..<logits.count { total += Double(expf((logits[index] - maxLogit) * inverseTemperature)) }
            let target = rng.nextUnit() * total
            var cumulative: Double = 0
            for index in 0..<logits.count {
                cumulative += Double(expf((logits[index] - maxLogit) * inverseTemperature))
                if cumulative > target { return Int32(index) }
            }
            return Int32(logits.count - 1)
        }
        // Top-k / top-p: tokens whose weight is below 1e-12 of the best cannot be drawn in
        // practice, so only the rest are sorted.
        let floor = maxLogit + logf(1e-12) / inverseTemperature
        var candidates: [(token: Int32, weight: Double)] = []
        for index in 0..<logits.count where logits[index] >= floor {
            candidates.append((Int32(index), Double(expf((logits[index] - maxLogit) * inverseTemperature))))
        }
        candidates.sort { $0.weight > $1.weight || ($0.weight == $1.weight && $0.token < $1.token) }
        if settings.topK > 0 && settings.topK < candidates.count { candidates.removeSubrange(settings.topK...) }
        let total = candidates.reduce(0) { $0 + $1.weight }
        var keep = candidates.count
        if settings.topP < 1 {
            var cumulative = 0.0
            for (index, candidate) in candidates.enumerated() {
                cumulative += candidate.weight / total
                if cumulative >= settings.topP {
                    keep = index + 1
                    break
                }
            }
        }
        let kept = candidates.prefix(keep)
        let target = rng.nextUnit() * kept.reduce(0) { $0 + $1.weight }
        var cumulative = 0.0
        for candidate in kept {
            cumulative += candidate.weight
            if cumulative > target { return candidate.token }
        }
        return kept[kept.count - 1].token
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
