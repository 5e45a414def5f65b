/// A seedable pseudo-random generator: xoshiro256** (Blackman & Vigna 2021,
/// "Scrambled linear pseudorandom number generators", ACM TOMS 47(4),
/// doi:10.1145/3460772), its 256-bit state filled from the 64-bit seed by SplitMix64
/// (Steele, Lea & Flood 2014, doi:10.1145/2714064.2660195), as the authors recommend.
///
/// Swift's `SystemRandomNumberGenerator` cannot be seeded, so every randomised step in
/// Mosaic takes this generator (or any `RandomNumberGenerator`) as `inout` and the same
/// seed reproduces a run exactly: the sequence depends on nothing but the seed, on every
/// platform and in every run.
///
/// ```swift
/// var rng = SeededGenerator(seed: 42)
/// let first = rng.next() // the same 64 bits on every machine
/// ```
///
/// Why this algorithm: it passes BigCrush and PractRand, has a 2^256 − 1 period, is a
/// handful of shifts and rotations per output (the random-assignment baseline draws a
/// billion numbers), and is the generator of reference for simulation work (it is
/// also what .NET, Lua and Julia ship).
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    @usableFromInline var s0: UInt64
    @usableFromInline var s1: UInt64
    @usableFromInline var s2: UInt64
    @usableFromInline var s3: UInt64

    /// The seed this generator was created with.
    public let seed: UInt64

    public init(seed: UInt64) {
        self.seed = seed
        var sm = seed
        func splitMix(_ x: inout UInt64) -> UInt64 {
            x &+= 0x9E37_79B9_7F4A_7C15
            var z = x
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s0 = splitMix(&sm)
        s1 = splitMix(&sm)
        s2 = splitMix(&sm)
        s3 = splitMix(&sm)
    }

    /// The next 64 random bits.
    /// - Complexity: O(1).
    @inlinable
    public mutating func next() -> UInt64 {
        let result = rotl(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = rotl(s3, 45)
        return result
    }

    /// Advances the state by 2^128 outputs: the published xoshiro256 jump, which gives
    /// 2^128 non-overlapping streams from one seed. Mosaic gives each randomised step that
    /// shares a seed (baseline, bootstrap) its own stream this way, so requesting one does
    /// not change the other's numbers.
    /// - Complexity: O(256).
    public mutating func jump() {
        let table: [UInt64] = [0x180E_C6D3_3CFD_0ABA, 0xD5A6_1266_F0C9_392C, 0xA958_2618_E03F_C9AA, 0x39AB_DC45_29B1_661C]
        var t0: UInt64 = 0, t1: UInt64 = 0, t2: UInt64 = 0, t3: UInt64 = 0
        for word in table {
            for b in 0..<64 {
                if word & (1 << UInt64(b)) != 0 {
                    t0 ^= s0; t1 ^= s1; t2 ^= s2; t3 ^= s3
                }
                _ = next()
            }
        }
        s0 = t0; s1 = t1; s2 = t2; s3 = t3
    }

    @inlinable
    func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 &- k)) }

    /// A uniformly distributed integer in `0..<bound`, unbiased (Lemire 2019, "Fast random
    /// integer generation in an interval", ACM TOMS 29(1), doi:10.1145/3230636).
    /// - Complexity: O(1) expected; a retry happens with probability below bound / 2^64.
    @inlinable
    public mutating func below(_ bound: Int) -> Int {
        let n = UInt64(bound)
        var m = next().multipliedFullWidth(by: n)
        if m.low < n {
            let threshold = (0 &- n) % n
            while m.low < threshold { m = next().multipliedFullWidth(by: n) }
        }
        return Int(m.high)
    }
}
