import ProctorCore
import Testing

@Suite struct ScoreParserTests {
    let parser = ScoreParser()

    @Test(arguments: [
        ("85", 85), (" 85\n", 85), ("85.", 85), ("85/100", 85), ("Score: 85", 85), ("score 0", 0), ("100", 100),
        ("Rating: 7 out of 100", 7),
    ])
    func clean(reply: String, expected: Int) {
        let (score, status) = parser.parse(reply)
        #expect(score == expected)
        #expect(status == .clean)
    }

    @Test(arguments: [
        ("I would give this response a score of 72.", 72),
        ("The response is mostly right. Score: 60 because it misses a detail.", 60),
        ("It deserves 90/100.", 90),
        ("The answer is 100.", 100),
        ("Overall I rate it 45 points.", 45),
        ("Good answer, 80", 80),
    ])
    func lenient(reply: String, expected: Int) {
        let (score, status) = parser.parse(reply)
        #expect(score == expected)
        #expect(status == .lenient)
    }

    @Test(arguments: [
        "", "The cat chased the mouse.", "Excellent!", "I cannot score this.", "150", "-5", "7.5", "8.5/10",
        "The sequence 2, 4, 8, 16 continues",
    ])
    func unparsed(reply: String) {
        let (score, status) = parser.parse(reply)
        #expect(score == nil)
        #expect(status == .unparsed)
    }

    @Test func numbersQuotedFromTheMaterialAreNotScores() {
        let context = "What is the next number in 2, 4, 8, 16? 32"
        #expect(parser.parse("The next number is 32 so it is right", context: context).score == nil)
        #expect(parser.parse("The next number is 32, score 90", context: context).score == 90)
        #expect(parser.parse("I think 75 fits", context: context).score == 75)
    }

    @Test func otherScales() {
        let ten = ScoreParser(range: 1...10)
        #expect(ten.parse("8").score == 8)
        #expect(ten.parse("Rating: 11").score == nil)
        #expect(ten.parse("I give it 9/10").score == 9)
    }
}
