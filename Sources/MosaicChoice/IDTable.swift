/// Ids to their positions, for resolving an instance's preferences: about a million
/// lookups at NYC size, where `Dictionary<String, Int>` spent most of its time starting
/// and finishing a SipHash per lookup (issue 25).
///
/// Ids are compared as their UTF-8 bytes (an id is what the file spells), kept one after
/// another in one array. Open addressing with linear probing in a power-of-two table at
/// most half full. The hash folds the bytes eight at a time with a 64 × 64 → 128-bit
/// multiply (the "folded multiply" of foldhash and wyhash), keyed by a seed drawn per table
/// from the system's generator, so ids cannot be chosen ahead to collide. The first of
/// equal ids keeps its position.
/// - Complexity: O(1) expected per lookup; O(ids) to build.
struct IDTable {
    /// Every id's UTF-8 bytes, one after another; id `k`'s are `bytes[ends[k - 1] ..< ends[k]]`.
    private var bytes: [UInt8] = []
    private var ends: [Int32] = []
    private var positions: [Int32]
    private var slots: [Int32]
    private let mask: Int
    private let seed: UInt64

    /// The number of distinct ids.
    var count: Int { ends.count }

    init(capacity: Int) {
        var size = 16
        while size < 2 * capacity { size <<= 1 }
        slots = [Int32](repeating: -1, count: size)
        positions = []
        mask = size - 1
        var generator = SystemRandomNumberGenerator()
        seed = generator.next() | 1
        ends.reserveCapacity(capacity)
        positions.reserveCapacity(capacity)
    }

    init(_ ids: some Collection<String>) {
        self.init(capacity: ids.count)
        for (k, id) in ids.enumerated() { insert(id, at: k) }
    }

    @inline(__always)
    private static func fold(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let m = a.multipliedFullWidth(by: b)
        return m.high ^ m.low
    }

    @inline(__always)
    private func hash(_ raw: UnsafeBufferPointer<UInt8>) -> Int {
        var h = Self.fold(seed ^ UInt64(raw.count), 0x9E37_79B9_7F4A_7C15)
        let base = UnsafeRawBufferPointer(raw)
        var k = 0
        while k + 8 <= raw.count {
            h = Self.fold(h ^ base.loadUnaligned(fromByteOffset: k, as: UInt64.self), 0xBF58_476D_1CE4_E5B9 ^ seed)
            k += 8
        }
        if k < raw.count {
            var tail: UInt64 = 0
            for j in k..<raw.count { tail |= UInt64(raw[j]) << (8 * UInt64(j - k)) }
            h = Self.fold(h ^ tail, 0x94D0_49BB_1331_11EB ^ seed)
        }
        return Int(truncatingIfNeeded: Self.fold(h, 0x2545_F491_4F6C_DD1D)) & mask
    }

    /// Whether id `k` is these bytes.
    @inline(__always)
    private func holds(_ k: Int, _ raw: UnsafeBufferPointer<UInt8>) -> Bool {
        let from = k == 0 ? 0 : Int(ends[k - 1]), to = Int(ends[k])
        let n = raw.count
        guard to - from == n else { return false }
        // Eight bytes at a time, then the rest (ids are short: a call to memcmp cost more
        // than the comparison).
        return bytes.withUnsafeBytes { all in
            let mine = UnsafeRawBufferPointer(rebasing: all[from..<to]), theirs = UnsafeRawBufferPointer(raw)
            var k = 0
            while k + 8 <= n {
                guard mine.loadUnaligned(fromByteOffset: k, as: UInt64.self) == theirs.loadUnaligned(fromByteOffset: k, as: UInt64.self) else { return false }
                k += 8
            }
            while k < n {
                guard mine[k] == theirs[k] else { return false }
                k += 1
            }
            return true
        }
    }

    /// Adds `id` at `position`; false (and no change) when it is already there.
    @discardableResult
    mutating func insert(_ id: String, at position: Int) -> Bool {
        var id = id
        return id.withUTF8 { insert(bytes: $0, at: position) }
    }

    /// Adds the id with these UTF-8 bytes at `position`; false when it is already there.
    @discardableResult
    mutating func insert(bytes raw: UnsafeBufferPointer<UInt8>, at position: Int) -> Bool {
        var slot = hash(raw)
        while slots[slot] >= 0 {
            if holds(Int(slots[slot]), raw) { return false }
            slot = (slot + 1) & mask
        }
        slots[slot] = Int32(ends.count)
        bytes.append(contentsOf: raw)
        ends.append(Int32(bytes.count))
        positions.append(Int32(position))
        // Past half full: twice the table, every id placed again.
        if 2 * ends.count > slots.count {
            var grown = IDTable(capacity: slots.count)
            bytes.withUnsafeBufferPointer { all in
                for k in 0..<ends.count {
                    let from = k == 0 ? 0 : Int(ends[k - 1])
                    grown.insert(bytes: UnsafeBufferPointer(rebasing: all[from..<Int(ends[k])]), at: Int(positions[k]))
                }
            }
            self = grown
        }
        return true
    }

    /// The position of the id with these UTF-8 bytes, or nil: what the byte-level
    /// reader looks up without making a String.
    @inline(__always)
    func position(ofBytes raw: UnsafeBufferPointer<UInt8>) -> Int? {
        var slot = hash(raw)
        while slots[slot] >= 0 {
            let k = Int(slots[slot])
            if holds(k, raw) { return Int(positions[k]) }
            slot = (slot + 1) & mask
        }
        return nil
    }

    /// The position of `id`, or nil.
    func position(of id: String) -> Int? {
        var id = id
        return id.withUTF8 { position(ofBytes: $0) }
    }

    subscript(id: String) -> Int? { position(of: id) }
}
