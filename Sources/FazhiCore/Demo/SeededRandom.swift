/// SplitMix64: a small, fast generator whose output is fixed by its seed, for demo data, test
/// fixtures and (later) published random draws that anyone must be able to re-run.
public struct SeededRandom: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A number in 0..<n (n > 0): the demo's and fixtures' draws.
    public mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }

    /// A number in the range.
    public mutating func int(in range: ClosedRange<Int>) -> Int { range.lowerBound + below(range.count) }
}

extension String {
    /// nil for the empty string (optional form fields and ledger cells).
    public var nilIfEmpty: String? { isEmpty ? nil : self }
}
